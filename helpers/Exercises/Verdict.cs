using System.Globalization;
using System.Net;

namespace Helpers.Exercises;

/// <summary>
/// What a self-check says about one exercise: ✓ with a short confirmation, or ✗ with a hint that
/// says what was expected and what was seen. A check returns <see cref="Pass"/> or <see cref="Fail"/>;
/// <see cref="Exercise.Check"/> adds the exercise's id. In a notebook it shows as a small card; its
/// text (<see cref="ToString"/>) starts with a marker a program can read: <c>✓ 03.1 …</c> or <c>✗ 03.1 …</c>.
/// </summary>
/// <param name="Passed">Whether the attempt did what the exercise asks.</param>
/// <param name="Message">The confirmation, or the hint.</param>
public sealed record Verdict(bool Passed, string Message)
{
    /// <summary>The message of an attempt that has not been written yet starts with this.</summary>
    public const string NotDoneYet = "not done yet: ";

    /// <summary>The exercise's id, such as <c>03.1</c>; empty until <see cref="Exercise.Check"/> sets it.</summary>
    public string Id { get; init; } = "";

    /// <summary>Whether the attempt is still the stub that throws <see cref="NotImplementedException"/>.</summary>
    public bool IsNotDoneYet => !Passed && Message.StartsWith(NotDoneYet, StringComparison.Ordinal);

    /// <summary>✓ with a short confirmation of what the attempt did.</summary>
    public static Verdict Pass(string confirmation) => new(true, confirmation);

    /// <summary>✗ with a hint: what was expected, what was seen, what to look at.</summary>
    public static Verdict Fail(string hint) => new(false, hint);

    /// <summary>The marker (<c>✓</c> or <c>✗</c>), the id and the message, on one line first.</summary>
    public override string ToString() => Id.Length == 0 ? $"{Mark} {Message}" : $"{Mark} {Id} {Message}";

    private string Mark => Passed ? "✓" : "✗";

    /// <summary>The card shown in a notebook: green with ✓, or red with ✗ and the hint.</summary>
    public string ToHtml()
    {
        var (border, background, mark) = Passed ? ("#2e7d32", "#e8f5e9", "✓") : ("#c62828", "#ffebee", "✗");
        var lines = WebUtility.HtmlEncode(Message).Replace("\n", "<br>", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"exercise-check\" style=\"border-left:4px solid {border};background:{background};color:#222;padding:6px 10px;margin:4px 0;font-family:sans-serif;font-size:14px\">"
            + $"<b style=\"color:{border}\">{mark} {WebUtility.HtmlEncode(Id)}</b> {lines}</div>");
    }
}
