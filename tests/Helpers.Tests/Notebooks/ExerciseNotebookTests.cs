using System.Text.Json.Nodes;
using NotebookRunner;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// The exercises of notebooks 01–08: at least two per notebook, each with a hint, a solution region
/// and a check; and the student copies run top to bottom with every check "not done yet" (the
/// teacher copies' checks all pass: <see cref="NotebookTests"/>).
/// </summary>
[Collection(nameof(NotebookTests))] // One kernel at a time: each notebook measures and starts processes.
public sealed class ExerciseNotebookTests : IClassFixture<LeakCheck>
{
    public static TheoryData<string> Lessons => [.. Enumerable.Range(1, 8)
        .Select(n => Path.GetFileName(Directory.GetFiles(Path.Combine(NotebookRun.RepositoryRoot, "notebooks"), $"{n:00}-*.ipynb").Single()))];

    [Theory]
    [MemberData(nameof(Lessons))]
    public void Each_lesson_ends_with_at_least_two_exercises_each_with_a_hint_a_solution_and_a_check(string notebook)
    {
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookRun.RepositoryRoot, "notebooks", notebook)))!["cells"]!.AsArray()
            .Select(c => (Type: (string)c!["cell_type"]!, Id: (string)c["id"]!, Text: Source(c))).ToList();
        var heading = cells.FindIndex(c => c.Type == "markdown" && c.Text.StartsWith("## 练习 · Exercises", StringComparison.Ordinal));
        var summary = cells.FindIndex(c => c.Type == "markdown" && c.Text.StartsWith("## 小结 · Summary", StringComparison.Ordinal));
        Assert.True(heading > 0 && heading < summary, $"{notebook}: no \"## 练习 · Exercises\" cell before the summary");

        var exercises = cells.Skip(heading).Take(summary - heading).ToList();
        var checks = exercises.Where(c => c.Type == "code" && c.Text.Contains("Exercise.Check(", StringComparison.Ordinal)).ToList();
        var solutions = exercises.Where(c => c.Type == "code" && c.Text.Contains(StudentCopy.Begin, StringComparison.Ordinal)).ToList();
        var hints = exercises.Where(c => c.Type == "markdown" && c.Text.Contains("<details><summary>Hint · 提示</summary>", StringComparison.Ordinal)).ToList();
        Assert.True(checks.Count >= 2, $"{notebook}: {checks.Count} exercise checks");
        Assert.Equal(checks.Count, solutions.Count);
        Assert.Equal(checks.Count, hints.Count);
        Assert.All(hints, h => Assert.Contains("*Practises:*", h.Text, StringComparison.Ordinal));
        Assert.Equal(cells.Count, cells.Select(c => c.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public async Task The_student_copy_runs_top_to_bottom_with_every_check_not_done_yet(string notebook)
    {
        using var scratch = new TempDir();
        var teacher = Path.Combine(NotebookRun.RepositoryRoot, "notebooks", notebook);
        var copy = StudentCopy.Write([teacher], scratch.File("student")).Single();

        var (outcome, cells) = await NotebookRun.RunAsync(copy, scratch, workingDirectory: Path.GetDirectoryName(teacher));

        Assert.True(outcome.Ok, $"{notebook} (student) failed:\n{outcome.Errors}");
        Assert.DoesNotContain(NotebookRun.Outputs(cells), o => o.Type == "error");
        var executed = new JsonObject { ["cells"] = cells.DeepClone() }.ToJsonString();
        Assert.True(StudentCopy.Marks(executed).Count >= 2);
        Assert.Empty(StudentCopy.Problems(executed, student: true));
    }

    private static string Source(JsonNode cell) => cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";
}
