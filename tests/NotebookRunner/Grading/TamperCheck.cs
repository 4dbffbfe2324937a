namespace NotebookRunner.Grading;

/// <summary>
/// Whether a student's check cell is still the teacher's: the sources are compared line by line,
/// ignoring line endings and trailing whitespace (editors change those). A check that differs, or
/// is missing, is a "changed check", whatever it said.
/// </summary>
public static class TamperCheck
{
    /// <summary>Null when <paramref name="student"/> is the teacher's check; else what differs, in a sentence.</summary>
    /// <param name="teacher">The teacher's check cell.</param>
    /// <param name="student">The student's cell with the same id, or null when there is none.</param>
    public static string? Changed(CheckCell teacher, string? student)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        if (student is null)
        {
            return $"the check cell of {teacher.Exercise} ({teacher.Where}) is missing";
        }

        var mine = Lines(teacher.Source);
        var theirs = Lines(student);
        for (var i = 0; i < Math.Max(mine.Count, theirs.Count); i++)
        {
            if (i >= mine.Count || i >= theirs.Count || mine[i] != theirs[i])
            {
                return $"the check cell of {teacher.Exercise} ({teacher.Where}) differs from the teacher's copy at its line {i + 1}: "
                    + (i < theirs.Count ? $"\"{Short(theirs[i])}\"" : "(it ends there)");
            }
        }

        return null;
    }

    private static List<string> Lines(string source)
    {
        var lines = source.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static string Short(string line) => line.Trim() is { Length: > 80 } long_ ? long_[..80] + "…" : line.Trim();
}
