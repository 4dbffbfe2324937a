using System.Text.RegularExpressions;

namespace Helpers.Multiprocessing;

/// <summary>
/// An exception as Python prints a traceback: from the user's code down, without the frames of the
/// machinery that called it (reflection, a child's launcher, a thread's bootstrap), which say
/// nothing about the user's code.
/// </summary>
internal static partial class Traceback
{
    private const string Rethrown = "--- End of stack trace from previous location ---";

    // A local function as the compiler names it: <Main>g__Work|0_0, or <<Main>$>g__Work|0_7 at a program's top level.
    [GeneratedRegex(@"<(?:<Main>\$|[^<>\s]+)>g__(\w+)\|\d+_\d+")]
    private static partial Regex LocalFunction();

    /// <summary>
    /// The exception's text without reflection frames and without frames starting with any of
    /// <paramref name="machinery"/>; a local function (a lesson's top-level function) by its own name.
    /// </summary>
    /// <param name="e">The exception.</param>
    /// <param name="machinery">Frame prefixes to leave out, as in "at Helpers.Threading.Thread.".</param>
    public static string Format(Exception e, params string[] machinery)
    {
        ArgumentNullException.ThrowIfNull(e);
        string[] hidden = ["at System.Reflection.", "at InvokeStub_", .. machinery];
        var lines = e.ToString().Split(Environment.NewLine)
            .Where(l => !hidden.Any(m => l.TrimStart().StartsWith(m, StringComparison.Ordinal))).ToList();
        var kept = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            // A rethrow marker is kept only where frames follow it.
            var rethrown = lines[i].Trim() == Rethrown;
            if (!rethrown || (i + 1 < lines.Count && lines[i + 1].TrimStart().StartsWith("at ", StringComparison.Ordinal)))
            {
                kept.Add(LocalFunction().Replace(lines[i], "$1"));
            }
        }

        return string.Join(Environment.NewLine, kept);
    }
}
