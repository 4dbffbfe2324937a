using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner.Grading;

/// <summary>
/// Reads a check's verdict where it was shown: the value a check cell returned (its text/plain, or
/// the text of its HTML card), or a lesson's output lines. The text starts with the marker
/// <c>✓ 03.1 …</c> or <c>✗ 03.1 …</c> (Verdict.ToString); <c>✗ 03.1 not done yet: …</c> is the stub.
/// Only a check cell's value counts, never what a cell printed, so printing a marker earns nothing.
/// </summary>
public static partial class Verdicts
{
    /// <summary>The grade in an executed check cell, or "did not run" with <paramref name="notReached"/> (or the cell's error) as the reason.</summary>
    /// <param name="exercise">The exercise the cell checks.</param>
    /// <param name="cell">The executed cell, or null when the executed copy does not have it.</param>
    /// <param name="notReached">Why the notebook stopped before this cell, when it did.</param>
    public static ExerciseGrade FromCell(string exercise, JsonNode? cell, string notReached)
    {
        var outputs = cell?["outputs"] as JsonArray ?? [];
        foreach (var output in outputs)
        {
            if ((string?)output?["output_type"] is "execute_result" or "display_data" && output?["data"] is JsonObject data)
            {
                var text = data["text/plain"] is { } plain ? NotebookCell.Join(plain) : StripTags(NotebookCell.Join(data["text/html"]));
                if (Parse(exercise, text) is { } grade)
                {
                    return grade;
                }
            }
        }

        if (outputs.FirstOrDefault(o => (string?)o?["output_type"] == "error") is { } error)
        {
            return new(exercise, GradeState.DidNotRun, $"the check cell failed: {Short((string?)error["evalue"] ?? "")}");
        }

        var ran = cell?["execution_count"] is JsonValue;
        return new(exercise, GradeState.DidNotRun, ran ? "the check cell ran but showed no verdict" : notReached);
    }

    /// <summary>The grade in a lesson's output: its last line with this exercise's marker, else "did not run" with <paramref name="notReached"/>.</summary>
    public static ExerciseGrade FromLines(string exercise, string output, string notReached) =>
        (output ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => Parse(exercise, l)).LastOrDefault(g => g is not null)
        ?? new(exercise, GradeState.DidNotRun, notReached);

    /// <summary>The grade a verdict's text gives, or null when it is not this exercise's verdict.</summary>
    public static ExerciseGrade? Parse(string exercise, string text)
    {
        var m = Marker().Match(text ?? "");
        if (!m.Success || m.Groups[2].Value != exercise)
        {
            return null;
        }

        var message = m.Groups[3].Value.Trim();
        var state = m.Groups[1].Value == "✓" ? GradeState.Passed
            : message.StartsWith("not done yet", StringComparison.Ordinal) ? GradeState.NotDone
            : GradeState.Failed;
        return new(exercise, state, message);
    }

    private static string StripTags(string html) =>
        WebUtility.HtmlDecode(Tags().Replace(html.Replace("<br>", "\n", StringComparison.Ordinal), "")).Trim();

    private static string Short(string text) => text.Length <= 600 ? text.Trim() : text[..600].Trim() + "…";

    [GeneratedRegex(@"\A\s*([✓✗]) (\d\d\.\d+) ([\s\S]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();
}
