using System.Globalization;
using System.Text;

namespace NotebookRunner.Grading;

/// <summary>One student's row: a grade per exercise, the seconds their submission took, the executed copies, and notes on how it ran.</summary>
/// <param name="Student">The student's name (their folder's or file's).</param>
/// <param name="Grades">A grade for every exercise of the gradebook, by exercise.</param>
/// <param name="Seconds">The wall time of their whole submission.</param>
/// <param name="Executed">The executed copies (notebooks, or a lesson's output), relative to the gradebook's folder.</param>
/// <param name="Notes">How each notebook or lesson ran: stopped at its time limit, crashed, processes left and killed.</param>
public sealed record StudentResult(string Student, IReadOnlyDictionary<string, ExerciseGrade> Grades, double Seconds, IReadOnlyList<string> Executed, IReadOnlyList<string> Notes)
{
    /// <summary>The exercises passed (✓).</summary>
    public int Total => Grades.Values.Count(g => g.State == GradeState.Passed);
}

/// <summary>
/// The grades of a class: one row per student, one column per exercise, then the total (the
/// exercises passed) and the seconds the submission took. Written as gradebook.csv and
/// gradebook.html (<see cref="GradebookHtml"/>).
/// </summary>
/// <param name="Exercises">The exercises, in the course's order.</param>
/// <param name="Students">The rows, in the submissions' order.</param>
/// <param name="RunId">The marker this grading gave its processes (<see cref="SubmissionProcesses.Variable"/> starts with it).</param>
/// <param name="Seconds">The wall time of the whole grading.</param>
public sealed record Gradebook(IReadOnlyList<string> Exercises, IReadOnlyList<StudentResult> Students, string RunId, double Seconds)
{
    /// <summary>The CSV: a header, then per student their name, each exercise's label, the total and the seconds.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', ((string[])["student", .. Exercises, "total", "seconds"]).Select(Quote)).Append('\n');
        foreach (var s in Students)
        {
            csv.AppendJoin(',', ((string[])[s.Student, .. Exercises.Select(e => s.Grades[e].Label), $"{s.Total}/{Exercises.Count}",
                s.Seconds.ToString("F1", CultureInfo.InvariantCulture)]).Select(Quote)).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Writes gradebook.csv and gradebook.html into <paramref name="folder"/>; returns their paths.</summary>
    public (string Csv, string Html) Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, "gradebook.csv");
        var html = Path.Combine(folder, "gradebook.html");
        File.WriteAllText(csv, ToCsv());
        File.WriteAllText(html, GradebookHtml.Page(this));
        return (csv, html);
    }

    /// <summary>A few lines for the console: how many students, how many of each state, the time.</summary>
    public string Summary()
    {
        var all = Students.SelectMany(s => s.Grades.Values).ToList();
        var counts = Enum.GetValues<GradeState>().Where(state => all.Any(g => g.State == state))
            .Select(state => $"{all.Count(g => g.State == state)} {ExerciseGrade.Labels(state)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{Students.Count} students × {Exercises.Count} exercises in {Seconds:F0} s: {string.Join(", ", counts)}");
    }

    // RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
