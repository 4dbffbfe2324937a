using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookRunner.Grading;

/// <summary>
/// Grades one student's submission: each notebook in a fresh kernel of its own (the runner's
/// <c>--one</c>, through <see cref="Runner"/>), each lesson with <c>dotnet run --file</c>, one after
/// the other, from the submission's own <see cref="Workspace"/>, in a session of its own, marked
/// (<see cref="SubmissionProcesses"/>), with a time limit; after each, everything it started is
/// killed and its shared-memory names removed. Reads each exercise's verdict and compares its check
/// with the teacher's.
/// </summary>
public sealed class SubmissionRun
{
    // Several lessons building at once would build Helpers.csproj (their #:project) at once, into one bin/.
    private static readonly SemaphoreSlim LessonBuild = new(1);

    private readonly GradingOptions options;
    private readonly Course course;
    private readonly string workspace;
    private readonly string outDir;
    private readonly Dictionary<string, ExerciseGrade> grades = new(StringComparer.Ordinal);
    private readonly List<string> executed = [];
    private readonly List<string> notes = [];
    private string? stopReason;

    /// <summary>A run of one submission, from <paramref name="workspace"/>, writing its executed copies to <paramref name="outDir"/>.</summary>
    public SubmissionRun(GradingOptions options, Course course, Submission submission, string workspace, string outDir, string marker)
    {
        (this.options, this.course, Submission, this.workspace, this.outDir) = (options, course, submission, workspace, outDir);
        Processes = new SubmissionProcesses(marker);
    }

    /// <summary>The submission.</summary>
    public Submission Submission { get; }

    /// <summary>Its processes, which the watchdog counts.</summary>
    public SubmissionProcesses Processes { get; }

    /// <summary>The teacher's notebooks it handed in (each graded once).</summary>
    public HashSet<TeacherNotebook> HandedIn { get; } = [];

    /// <summary>Stops what runs now (the watchdog: too many processes, too much memory); the reason goes into its grades.</summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref stopReason, reason, null);
        Processes.KillAll();
    }

    /// <summary>Runs the whole submission; returns its row (grades for the notebooks it handed in only).</summary>
    public async Task<StudentResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        foreach (var notebook in Submission.Notebooks)
        {
            await NotebookAsync(notebook);
        }

        foreach (var lesson in Submission.Lessons)
        {
            await LessonAsync(lesson);
        }

        if (Submission.Notebooks.Count + Submission.Lessons.Count == 0)
        {
            notes.Add("no notebook (.ipynb) or lesson (.cs) was handed in");
        }

        return new StudentResult(Submission.Student, grades, clock.Elapsed.TotalSeconds, executed, notes);
    }

    private async Task NotebookAsync(string path)
    {
        var name = Path.GetFileName(path);
        IReadOnlyList<NotebookCell>? cells = null;
        string? unreadable = null;
        try
        {
            cells = NotebookCell.Parse(await File.ReadAllTextAsync(path));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            unreadable = $"the notebook {name} cannot be read: {e.Message}";
        }

        var teacher = course.ForNotebook(name, cells ?? []);
        if (teacher is null || !HandedIn.Add(teacher))
        {
            notes.Add(teacher is null ? $"{name}: not a copy of a notebook with exercises; not graded" : $"{name}: a second copy of {teacher.Name}; not graded");
            return;
        }

        if (cells is null)
        {
            teacher.Checks.ToList().ForEach(c => grades[c.Exercise] = new(c.Exercise, GradeState.DidNotRun, unreadable!));
            notes.Add(unreadable!);
            return;
        }

        var copy = Path.Combine(workspace, "notebooks", teacher.Name);
        File.Copy(path, copy, overwrite: true);
        var output = Path.Combine(outDir, teacher.Name);
        var outcome = await Runner.RunInOwnProcessAsync(copy, output, options.Timeout, Path.GetDirectoryName(copy), prepare: info =>
        {
            Isolate(info);
            info.ArgumentList.Add("--grading");
            info.ArgumentList.Add(options.MaxOutputChars.ToString(CultureInfo.InvariantCulture));
        });
        var left = CleanUp();

        var ran = File.Exists(output) ? JsonNode.Parse(await File.ReadAllTextAsync(output))?["cells"] as JsonArray ?? [] : [];
        if (File.Exists(output))
        {
            executed.Add(Path.GetRelativePath(options.Out, output));
        }

        var stopped = Stopped(outcome, StoppedIn(cells, ran));
        foreach (var check in teacher.Checks)
        {
            var index = cells.ToList().FindIndex(c => c.Id == check.Where);
            var cell = index >= 0 && index < ran.Count ? ran[index] : null;
            Grade(check, index >= 0 ? cells[index].Source : null, Verdicts.FromCell(check.Exercise, cell, stopped ?? "the notebook ended before this check"));
        }

        notes.Add(Note(teacher.Name, outcome, stopped, left));
    }

    private async Task LessonAsync(string path)
    {
        var name = Path.GetFileName(path);
        var source = await File.ReadAllTextAsync(path);
        var teacher = course.ForLesson(name, source);
        if (teacher is null || teacher.LessonChecks.Count == 0 || !HandedIn.Add(teacher))
        {
            notes.Add(teacher is null || teacher.LessonChecks.Count == 0 ? $"{name}: not a lesson with exercises; not graded" : $"{name}: {teacher.Name} was graded already; not graded");
            return;
        }

        // The lesson builds against the repository's helpers, as from lessons/ (#:project ../Helpers.csproj).
        var copy = Path.Combine(workspace, "lessons", teacher.LessonName);
        await File.WriteAllTextAsync(copy, source.Replace("#:project ../Helpers.csproj", $"#:project {Path.Combine(course.Root, "Helpers.csproj")}", StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();
        RunOutcome outcome;
        string text;
        await LessonBuild.WaitAsync();
        try
        {
            (outcome, text) = await CommandAsync(["build", copy, "-nologo", "-v", "q", "--disable-build-servers"], options.Timeout);
        }
        finally
        {
            LessonBuild.Release();
        }

        string? stopped;
        if (outcome.Ok)
        {
            (outcome, text) = await CommandAsync(["run", "--no-build", "--file", copy], options.Timeout - clock.Elapsed);
            stopped = Stopped(outcome, "");
        }
        else
        {
            var error = text.ReplaceLineEndings("\n").Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.Ordinal)) ?? text.Trim();
            stopped = outcome.TimedOut ? Stopped(outcome, "") : $"the lesson does not build: {error.Trim()}";
        }

        var left = CleanUp();
        var output = Path.Combine(outDir, Path.ChangeExtension(teacher.LessonName, ".txt"));
        await File.WriteAllTextAsync(output, text);
        executed.Add(Path.GetRelativePath(options.Out, output));
        var cells = Course.LessonCells(source);
        foreach (var check in teacher.LessonChecks)
        {
            Grade(check, cells.FirstOrDefault(c => c.Exercise == check.Exercise)?.Source,
                Verdicts.FromLines(check.Exercise, text, stopped ?? "the lesson ended before this check"));
        }

        notes.Add(Note(teacher.LessonName, outcome with { Seconds = clock.Elapsed.TotalSeconds }, stopped, left));
    }

    private void Grade(CheckCell check, string? studentSource, ExerciseGrade verdict) =>
        grades[check.Exercise] = TamperCheck.Changed(check, studentSource) is { } changed
            ? new(check.Exercise, GradeState.ChangedCheck, $"{changed}; its verdict does not count (it said: {verdict.Label} {verdict.Message})")
            : verdict;

    // The kernel (or dotnet) in a session and process group of its own, its processes marked.
    private void Isolate(ProcessStartInfo info)
    {
        if (OperatingSystem.IsLinux())
        {
            info.ArgumentList.Insert(0, info.FileName);
            info.FileName = "setsid";
        }

        info.Environment[SubmissionProcesses.Variable] = Processes.Marker;
        info.WorkingDirectory = workspace;
        stopReason = null;
    }

    // Kills what is left of the run, removes its shared-memory names; says what it found. First, two
    // seconds for what ends by itself: children and the spare follow their parent, and the resource
    // tracker removes the names it holds before it exits.
    private (int Processes, int Names) CleanUp()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2) && Processes.Note(SubmissionProcesses.Scan()).Count > 0)
        {
            Thread.Sleep(100);
        }

        var killed = Processes.KillAll();
        return (killed, Processes.RemoveSharedObjects().Count);
    }

    // Why the run ended early, or null when it ran to its end.
    private string? Stopped(RunOutcome outcome, string where) =>
        stopReason is { } reason ? $"the run was stopped{where}: {reason}"
        : outcome.TimedOut ? $"the run was stopped{where} at its time limit of {options.Timeout.TotalSeconds:0} s"
        : outcome.ExitCode is { } code and not 0 and not 1 ? $"the run ended{where} with exit code {code}{Signal(code)}{FirstLine(outcome.Errors)}"
        : null;

    // " while running code cell N (id)": the first code cell the executed copy has not run.
    private static string StoppedIn(IReadOnlyList<NotebookCell> cells, JsonArray ran)
    {
        var code = cells.Select((c, i) => (Cell: c, Index: i)).Where(c => c.Cell.Type == "code" && !string.IsNullOrWhiteSpace(c.Cell.Source)).ToList();
        for (var k = 0; k < code.Count; k++)
        {
            if (code[k].Index >= ran.Count || ran[code[k].Index]?["execution_count"] is not JsonValue)
            {
                return $" while running code cell {k + 1}" + (code[k].Cell.Id.Length > 0 ? $" ({code[k].Cell.Id})" : "");
            }
        }

        return "";
    }

    private static string Signal(int code)
    {
        var signal = code - 128;
        var name = signal switch { 6 => ", SIGABRT: Environment.FailFast or an abort", 9 => ", SIGKILL", 11 => ", SIGSEGV", 15 => ", SIGTERM", _ => "" };
        return signal is > 0 and < 32 ? $" (signal {signal}{name})" : "";
    }

    private static string FirstLine(string errors) =>
        errors.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } line
            ? $": {(line.Length > 200 ? line[..200] + "…" : line)}" : "";

    private static string Note(string what, RunOutcome outcome, string? stopped, (int Processes, int Names) left)
    {
        var note = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{what}: {outcome.Seconds:F1} s, "));
        note.Append(stopped ?? (outcome.Ok ? "ran to the end" : "ran to the end, with failed cells"));
        if (left.Processes > 0)
        {
            note.Append(CultureInfo.InvariantCulture, $"; {left.Processes} process{(left.Processes == 1 ? " was" : "es were")} still running afterwards and killed");
        }

        if (left.Names > 0)
        {
            note.Append(CultureInfo.InvariantCulture, $"; {left.Names} shared-memory name{(left.Names == 1 ? " was" : "s were")} left and removed");
        }

        return note.Append('.').ToString();
    }

    // dotnet ARGS from the workspace, isolated and timed as a notebook's kernel; its output, at most MaxOutputChars.
    private async Task<(RunOutcome Outcome, string Output)> CommandAsync(string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(info.ArgumentList.Add);
        Isolate(info);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        void Keep(string? line)
        {
            lock (output)
            {
                if (line is not null && output.Length < options.MaxOutputChars)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timedOut = !await Task.Run(() => process.WaitForExit(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero));
        if (timedOut)
        {
            Processes.KillAll();
        }

        process.WaitForExit(TimeSpan.FromSeconds(5)); // the last lines, unless a process it left holds the pipes
        lock (output)
        {
            return (new RunOutcome(!timedOut && process.ExitCode == 0, 0, clock.Elapsed.TotalSeconds, "", timedOut ? null : process.ExitCode, timedOut), output.ToString());
        }
    }
}
