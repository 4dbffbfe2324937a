using System.Text.RegularExpressions;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Functions written in notebook cells run in child processes (CPython's spawn cannot do this), and
/// what cannot work is refused with a message that says what to do. Each test runs a small notebook
/// in a real .NET Interactive C# kernel.
/// </summary>
[Collection(nameof(NotebookTests))]
public sealed partial class CellTargetTests : IClassFixture<LeakCheck>
{
    private static readonly string Setup = $"#r \"{typeof(Process).Assembly.Location}\"\nusing Helpers.Multiprocessing;";

    [Fact]
    public async Task A_function_from_an_earlier_cell_runs_in_a_child_and_calls_other_cell_functions()
    {
        using var dir = new TempDir();
        var notebook = NotebookRun.Write(dir, "cells.ipynb",
            Setup,
            "int Cube(int x) => x * x * x;",
            "void Job(int n) => Console.WriteLine($\"cube {Cube(n)} in {Environment.ProcessId}\");",
            """
            Console.WriteLine($"kernel {Environment.ProcessId}");
            var p = new Process(Job, 3);
            p.Start();
            p.Join();
            Console.WriteLine($"exit {p.ExitCode}");
            """);

        var (outcome, cells) = await NotebookRun.RunAsync(notebook, dir);

        Assert.True(outcome.Ok, outcome.Errors);
        var text = string.Concat(NotebookRun.Outputs(cells).Where(o => o.Cell == 3).Select(o => o.Text));
        var kernel = KernelPid().Match(text);
        var child = ChildLine().Match(text);
        Assert.True(kernel.Success && child.Success, text);
        Assert.NotEqual(kernel.Groups[1].Value, child.Groups[1].Value);
        Assert.Contains("exit 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subclass_defined_in_a_cell_carries_its_fields_to_the_child()
    {
        using var dir = new TempDir();
        var notebook = NotebookRun.Write(dir, "subclass.ipynb",
            Setup,
            """
            class Greeter : Process
            {
                private readonly string who;
                public Greeter(string who) => this.who = who;
                public override void Run() => Console.WriteLine($"hello {who}");
            }
            """,
            "var g = new Greeter(\"class\"); g.Start(); g.Join(); g.ExitCode");

        var (outcome, cells) = await NotebookRun.RunAsync(notebook, dir);

        Assert.True(outcome.Ok, outcome.Errors);
        Assert.Contains(NotebookRun.Outputs(cells), o => o.Cell == 2 && o.Text.Contains("[Greeter-1] hello class", StringComparison.Ordinal));
    }

    [Fact]
    public async Task What_cannot_run_in_a_child_is_refused_with_what_to_do()
    {
        using var dir = new TempDir();
        var notebook = NotebookRun.Write(dir, "refusals.ipynb",
            Setup,
            """
            var offset = 10;
            void AddOffset(int n) => Console.WriteLine(n + offset);
            void Indirect(int n) => AddOffset(n);
            """,
            """
            void Here() { }
            foreach (var attempt in new Action[] { () => new Process(Here), () => new Process(Indirect, 1), () => new Process(() => Console.WriteLine(offset)) })
            {
                try { attempt(); Console.WriteLine("accepted"); }
                catch (ArgumentException e) { Console.WriteLine("refused: " + e.Message); }
            }
            """);

        var (outcome, cells) = await NotebookRun.RunAsync(notebook, dir);

        Assert.True(outcome.Ok, outcome.Errors);
        var lines = string.Concat(NotebookRun.Outputs(cells).Where(o => o.Cell == 2).Select(o => o.Text)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("refused: ", l, StringComparison.Ordinal));
        Assert.Contains("Move the definition to an earlier cell", lines[0], StringComparison.Ordinal);
        Assert.Contains("reads the notebook variable 'offset' (through 'AddOffset')", lines[1], StringComparison.Ordinal);
        Assert.Contains("A lambda cannot run in another process", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pool_started_before_a_cell_runs_that_cells_function_in_its_workers()
    {
        using var dir = new TempDir();
        var notebook = NotebookRun.Write(dir, "pool.ipynb",
            Setup,
            "int Twice(int x) => 2 * x;",
            "var pool = new Pool(2); Console.WriteLine(pool.Apply(Twice, 21));",
            "int Cube(int x) => x * x * x; int Inc(int x) => x + 1;",
            "Console.WriteLine(string.Join(\",\", pool.Map(Cube, new[] { 1, 2, 3 }))); Console.WriteLine(pool.Apply(Inc, 41)); pool.Dispose();");

        var (outcome, cells) = await NotebookRun.RunAsync(notebook, dir);

        Assert.True(outcome.Ok, outcome.Errors);
        var text = string.Concat(NotebookRun.Outputs(cells).Select(o => o.Text));
        Assert.Contains("42\n", text, StringComparison.Ordinal);
        Assert.Contains("1,8,27\n42", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"kernel (\d+)")]
    private static partial Regex KernelPid();

    [GeneratedRegex(@"\[Process-1\] cube 27 in (\d+)")]
    private static partial Regex ChildLine();
}
