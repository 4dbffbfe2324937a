using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Every notebook of the collection runs top to bottom in a fresh kernel, through the same runner
/// as the main job, with no error output. The notebooks build and #r the helpers themselves, as
/// they do in VS Code.
/// </summary>
[Collection(nameof(NotebookTests))] // One kernel at a time: each notebook measures and starts processes.
public sealed class NotebookTests : IClassFixture<LeakCheck>
{
    // The lessons: every notebook with code (the contents, 00-index, is prose and links only).
    public static TheoryData<string> Notebooks => [.. Directory
        .GetFiles(Path.Combine(NotebookRun.RepositoryRoot, "notebooks"), "*.ipynb")
        .Where(f => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(f))!["cells"]!.AsArray().Any(c => (string?)c!["cell_type"] == "code"))
        .Select(f => Path.GetFileName(f))
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom_without_errors(string notebook)
    {
        using var scratch = new TempDir();
        var (outcome, cells) = await NotebookRun.RunAsync(Path.Combine(NotebookRun.RepositoryRoot, "notebooks", notebook), scratch);

        Assert.True(outcome.Ok, $"{notebook} failed:\n{outcome.Errors}");
        Assert.True(outcome.Cells > 0, $"{notebook} has no code cells");
        Assert.DoesNotContain(NotebookRun.Outputs(cells), o => o.Type == "error");
        var problems = NotebookRunner.StudentCopy.Problems(await File.ReadAllTextAsync(scratch.File(notebook)), student: false);
        Assert.True(problems.Count == 0, $"{notebook}: exercise checks that did not pass:\n{string.Join("\n", problems)}");
        await Rendered.CheckChartsAsync(scratch.File(notebook), cells);
    }

    [Fact]
    public async Task A_compiler_warning_in_a_cell_fails_the_run_and_shows_in_the_cell_as_jupyter_shows_it()
    {
        using var dir = new TempDir();
        var notebook = NotebookRun.Write(dir, "warning.ipynb", "string? name = null;\nname ?? \"none\"");

        var (outcome, cells) = await NotebookRun.RunAsync(notebook, dir);

        Assert.False(outcome.Ok);
        Assert.Contains("warning CS8632", outcome.Errors, StringComparison.Ordinal);
        Assert.Contains(NotebookRun.Outputs(cells), o => o.Type == "stream" && o.Text.Contains("warning CS8632", StringComparison.Ordinal));
    }
}
