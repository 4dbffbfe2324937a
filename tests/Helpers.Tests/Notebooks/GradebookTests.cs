using System.Text.Json.Nodes;
using NotebookRunner;
using NotebookRunner.Grading;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Grading a made-up class of nine students, each with a copy of notebook 03's exercises: complete,
/// untouched, partial, a hang, a kernel crash, processes left running, an edited check, a solution
/// that does not compile, a process bomb. The gradebook says the right thing for each, and nothing
/// is left running or in /dev/shm afterwards.
/// </summary>
/// <remarks>
/// The teacher's copy here is notebook 03 cut to what its exercises need (the setup, <c>AddUnlocked</c>,
/// the exercise cells): the whole notebook measures races for a minute before its exercises, and
/// eight of it would take several minutes on two CPUs. The cells kept are the real ones, unchanged.
/// </remarks>
[Collection(nameof(NotebookTests))] // One kernel at a time elsewhere: this test runs several of its own.
public sealed class GradebookTests : IClassFixture<LeakCheck>
{
    private const string Name = "03-process-locks-and-shared-memory.ipynb";

    [LinuxFact] // grading finds a submission's processes through /proc
    public async Task A_class_is_graded_each_submission_in_its_own_kernel_and_nothing_is_left_afterwards()
    {
        using var scratch = new TempDir();
        var teacher = TeacherCopy(scratch.File("teacher"));
        var student = StudentCopy.ToStudent(teacher);
        var solution1 = Source(teacher, "ex03-1-solution");
        var submissions = Directory.CreateDirectory(scratch.File("class")).FullName;
        void Hand(string who, string json) => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(submissions, who)).FullName, Name), json);

        Hand("complete", teacher);
        Hand("empty", student);
        Hand("partial", With(student, "ex03-1-solution", solution1));
        Hand("hang", With(student, "ex03-1-solution", solution1.Replace("start.Wait();", "while (true) { }", StringComparison.Ordinal)));
        Hand("crash", With(student, "ex03-1-solution", solution1.Replace("start.Wait();", "Environment.FailFast(\"the student's code ends the kernel\");", StringComparison.Ordinal)));
        Hand("orphans", With(student, "ex03-1-solution", """
            // Starts a child that never ends, and a program in a session of its own; joins neither.
            void SleepForever() => Thread.Sleep(Timeout.Infinite);
            void AddUnderLock(mp.Value<int> v, int times, mp.Barrier start)
            {
                new Process(SleepForever).Start();
                System.Diagnostics.Process.Start("setsid", "sleep 100000");
                start.Wait();
                for (var i = 0; i < times; i++)
                    using (v.GetLock().EnterScope())
                        v.Set(v.Get() + 1);
            }
            """));
        Hand("edited-check", With(With(student, "ex03-1-solution", solution1), "ex03-1-check", """Exercise.Check("03.1", "anything", () => Verdict.Pass("trust me"))"""));
        Hand("bomb", With(student, "ex03-1-solution", """
            void AddUnderLock(mp.Value<int> v, int times, mp.Barrier start)
            {
                while (true) System.Diagnostics.Process.Start("sleep", "100000");
            }
            """));
        Hand("syntax-error", With(student, "ex03-1-solution", solution1.Replace("start.Wait();", "start.Wait()", StringComparison.Ordinal)));
        var shmBefore = SharedMemoryNames();

        var progress = new StringWriter();
        var book = await Grader.GradeAsync(new GradingOptions
        {
            Submissions = submissions,
            Out = scratch.File("grades"),
            Root = NotebookRun.RepositoryRoot,
            Teacher = scratch.File("teacher"),
            Timeout = TimeSpan.FromSeconds(75), // the hang's own check would give up after 90 s: the limit stops it first
            Parallel = 4,
            Progress = progress,
        });

        var said = $"gradebook:\n{book.ToCsv()}\nprogress:\n{progress}\n{string.Join("\n", book.Students.SelectMany(s => s.Grades.Values.Select(g => $"{s.Student} {g.Exercise} {g.Label}: {g.Message}").Concat(s.Notes)))}";
        void Expect(string who, GradeState first, GradeState second, string? inFirst = null)
        {
            var row = book.Students.Single(s => s.Student == who);
            Assert.True(row.Grades["03.1"].State == first && row.Grades["03.2"].State == second, $"{who}: expected {first}, {second}\n{said}");
            Assert.True(inFirst is null || row.Grades["03.1"].Message.Contains(inFirst, StringComparison.Ordinal), $"{who}: 03.1's message lacks \"{inFirst}\"\n{said}");
        }

        Assert.Equal(["03.1", "03.2"], book.Exercises);
        Expect("complete", GradeState.Passed, GradeState.Passed);
        Expect("empty", GradeState.NotDone, GradeState.NotDone);
        Expect("partial", GradeState.Passed, GradeState.NotDone);
        Expect("hang", GradeState.DidNotRun, GradeState.DidNotRun, "while running code cell 4 (ex03-1-check) at its time limit of 75 s");
        Expect("crash", GradeState.DidNotRun, GradeState.DidNotRun, "SIGABRT");
        Expect("orphans", GradeState.Failed, GradeState.NotDone, "still running");
        Expect("edited-check", GradeState.ChangedCheck, GradeState.NotDone, "it said: ✓");
        Expect("syntax-error", GradeState.DidNotRun, GradeState.NotDone, "the check cell failed");
        Expect("bomb", GradeState.DidNotRun, GradeState.DidNotRun, "more than the 64 allowed (--max-processes)");
        Assert.True(book.Students.Single(s => s.Student == "orphans").Notes.Any(n => n.Contains("still running afterwards and killed", StringComparison.Ordinal)), said);

        var csv = File.ReadAllLines(scratch.File("grades/gradebook.csv"));
        Assert.Equal("student,03.1,03.2,total,seconds", csv[0]);
        Assert.StartsWith("bomb,did not run,did not run,0/2,", csv[1], StringComparison.Ordinal); // the folders' order
        Assert.StartsWith("complete,✓,✓,2/2,", csv[2], StringComparison.Ordinal);
        Assert.StartsWith("edited-check,changed check,not done,0/2,", csv[4], StringComparison.Ordinal);
        Assert.Equal(10, csv.Length);
        var html = File.ReadAllText(scratch.File("grades/gradebook.html"));
        Assert.All(book.Students, s => Assert.Contains($">{s.Student}</a>", html, StringComparison.Ordinal));
        Assert.All(book.Students, s => Assert.True(File.Exists(scratch.File($"grades/{s.Student}/{Name}")), s.Student)); // saved cell by cell: the crash's too
        Assert.Contains("[9/9]", progress.ToString(), StringComparison.Ordinal);

        // Nothing of the class runs on, and every shared-memory name it created is gone (the ones left
        // belong to live processes: other programs on this machine).
        Assert.DoesNotContain(SubmissionProcesses.Scan().Keys, k => k.StartsWith(book.RunId, StringComparison.Ordinal));
        var left = SharedMemoryNames().Except(shmBefore).Where(n => SubmissionProcesses.CreatorPid(n) is not { } pid || !Directory.Exists($"/proc/{pid}")).ToList();
        Assert.True(left.Count == 0, $"left in /dev/shm: {string.Join(", ", left)}");
    }

    [Fact]
    public void A_check_is_changed_when_its_source_differs_beyond_line_endings_and_trailing_spaces_or_is_missing()
    {
        var check = new CheckCell("03.1", "ex03-1-check", "Exercise.Check(\"03.1\", \"t\", () =>\n{\n    return Verdict.Pass(\"ok\");\n})");

        Assert.Null(TamperCheck.Changed(check, "Exercise.Check(\"03.1\", \"t\", () =>  \r\n{\r\n    return Verdict.Pass(\"ok\");\r\n})\n\n"));
        Assert.Contains("line 3", TamperCheck.Changed(check, "Exercise.Check(\"03.1\", \"t\", () =>\n{\n    return Verdict.Pass(\"ok!\");\n})"), StringComparison.Ordinal);
        Assert.Contains("missing", TamperCheck.Changed(check, null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_verdict_is_read_from_the_check_cells_value_never_from_what_a_cell_printed()
    {
        static JsonNode Cell(string type, string key, string text) => new JsonObject
        {
            ["execution_count"] = 1,
            ["outputs"] = new JsonArray(type == "stream"
                ? new JsonObject { ["output_type"] = "stream", ["text"] = text }
                : new JsonObject { ["output_type"] = type, ["data"] = new JsonObject { [key] = text } }),
        };

        Assert.Equal(GradeState.Passed, Verdicts.FromCell("03.1", Cell("execute_result", "text/plain", "✓ 03.1 fine"), "").State);
        Assert.Equal(GradeState.Failed, Verdicts.FromCell("03.1", Cell("execute_result", "text/html", "<div><b>✗ 03.1</b> lost 3</div>"), "").State);
        Assert.Equal(GradeState.NotDone, Verdicts.FromCell("03.1", Cell("display_data", "text/plain", "✗ 03.1 not done yet: replace"), "").State);
        Assert.Equal(GradeState.DidNotRun, Verdicts.FromCell("03.1", Cell("stream", "", "✓ 03.1 printed by the student"), "").State);
        Assert.Equal(GradeState.DidNotRun, Verdicts.FromCell("03.1", Cell("execute_result", "text/plain", "✓ 03.2 another exercise"), "").State);
        Assert.Equal("stopped", Verdicts.FromCell("03.1", new JsonObject { ["outputs"] = new JsonArray() }, "stopped").Message);
        Assert.Equal(GradeState.Failed, Verdicts.FromLines("03.1", "✓ 03.1 printed first\n✗ 03.1 the check's own line", "").State);
        Assert.Equal(1234, SubmissionProcesses.CreatorPid("sem.hmp-1234-lock-0a"));
        Assert.Null(SubmissionProcesses.CreatorPid("other-1234"));
    }

    [Fact]
    public void A_cell_keeps_its_output_up_to_the_limit_then_says_the_rest_was_dropped()
    {
        var limits = new OutputLimits(maxCharsPerCell: 10, saveTo: null);
        var cell = new Microsoft.DotNet.Interactive.Documents.InteractiveDocumentElement("Console.Write(…)", "csharp");

        Assert.False(limits.Full(cell));
        cell.Outputs.Add(new Microsoft.DotNet.Interactive.Documents.TextElement("0123456789ab", "stdout"));
        Assert.True(limits.Full(cell));
        Assert.True(limits.Full(cell));

        Assert.Equal(2, cell.Outputs.Count);
        Assert.Contains("dropped by the grader", ((Microsoft.DotNet.Interactive.Documents.TextElement)cell.Outputs[1]).Text, StringComparison.Ordinal);
    }

    // Notebook 03 with the setup, AddUnlocked (which 03.2 uses) and the exercises: the real cells.
    private static string TeacherCopy(string folder)
    {
        Directory.CreateDirectory(folder);
        var notebooks = Path.Combine(NotebookRun.RepositoryRoot, "notebooks");
        File.Copy(Path.Combine(notebooks, "setup.dib"), Path.Combine(folder, "setup.dib"));
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(notebooks, Name)))!;
        var cells = notebook["cells"]!.AsArray();
        foreach (var cell in cells.ToList().Where(c => (string?)c!["id"] is not ("c00" or "c02" or "c09") && !((string)c!["id"]!).StartsWith("ex03-", StringComparison.Ordinal)))
        {
            cells.Remove(cell);
        }

        var json = notebook.ToJsonString();
        File.WriteAllText(Path.Combine(folder, Name), json);
        return json;
    }

    private static string Source(string notebook, string id) =>
        NotebookCell.Parse(notebook).Single(c => c.Id == id).Source;

    private static string With(string notebook, string id, string source)
    {
        var json = JsonNode.Parse(notebook)!;
        json["cells"]!.AsArray().Single(c => (string?)c!["id"] == id)!["source"] = source;
        return json.ToJsonString();
    }

    private static HashSet<string> SharedMemoryNames() => [.. Directory.GetFiles("/dev/shm", "*hmp-*").Select(f => Path.GetFileName(f))];
}
