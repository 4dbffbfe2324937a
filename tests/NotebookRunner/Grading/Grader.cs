using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace NotebookRunner.Grading;

/// <summary>
/// Grades a class (<c>--grade SUBMISSIONS</c>): builds the helpers once, gives each submission a
/// workspace of its own, runs the submissions several at once (<see cref="SubmissionRun"/>), watches
/// their processes, prints progress, and writes the gradebook.
/// </summary>
/// <remarks>
/// Balance: a submission is one kernel (or one lesson) at a time, and each exercise of the course
/// starts two or three child processes at once, briefly. <see cref="GradingOptions.Parallel"/>
/// submissions at once (by default one per CPU) keep every CPU busy while kernels compile cells or
/// wait on their children, and at most about twice as many busy processes as CPUs while children
/// run; the checks' own time limits (60–120 s) are far above what the exercises need, and a check
/// judges counts and contents, never a time, so the sharing changes no verdict. On a machine with
/// more memory than CPUs to spare, more may be set with <c>--parallel</c>.
/// </remarks>
public static class Grader
{
    /// <summary>Grades every submission in <see cref="GradingOptions.Submissions"/>; writes and returns the gradebook.</summary>
    public static async Task<Gradebook> GradeAsync(GradingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var course = Course.Load(options.Root, options.Teacher ?? Path.Combine(options.Root, "notebooks"));
        var submissions = Submission.Find(options.Submissions);
        var progress = options.Progress ?? TextWriter.Null;
        // The cluster library (Orleans) only when a handed-in notebook imports it (07, 08).
        var cluster = submissions.SelectMany(s => s.Notebooks).Any(n => File.ReadAllText(n).Contains("#!import cluster.dib", StringComparison.Ordinal));
        if (options.Build)
        {
            await BuildAsync(Path.Combine(options.Root, "Helpers.csproj"), progress);
            if (cluster)
            {
                await BuildAsync(Path.Combine(options.Root, "cluster", "Helpers.Cluster.csproj"), progress);
            }
        }

        var runId = "grade-" + Guid.NewGuid().ToString("N")[..12];
        var work = Directory.CreateTempSubdirectory("grade-").FullName;
        var total = submissions.Count;
        progress.WriteLine($"grading {total} submission{(total == 1 ? "" : "s")}, {options.Parallel} at once, at most {options.Timeout.TotalSeconds:0} s a notebook; working in {work}");
        try
        {
            // What every workspace copies: the built helpers as they are now (a lesson's build may write bin/ later).
            var bin = Path.Combine(work, "built", "bin");
            Workspace.CopyFolder(Path.Combine(options.Root, "bin"), bin);
            var clusterBin = Path.Combine(options.Root, "cluster", "bin");
            string? builtCluster = null;
            if (cluster && Directory.Exists(clusterBin))
            {
                builtCluster = Path.Combine(work, "built", "cluster-bin");
                Workspace.CopyFolder(clusterBin, builtCluster);
            }

            var running = new ConcurrentDictionary<SubmissionRun, byte>();
            using var stop = new CancellationTokenSource();
            var watchdog = Task.Run(() => WatchAsync(running, options, stop.Token));
            using var gate = new SemaphoreSlim(Math.Max(1, options.Parallel));
            var done = 0;
            var secondsDone = 0.0;
            var results = await Task.WhenAll(submissions.Select(async (submission, index) =>
            {
                await gate.WaitAsync();
                try
                {
                    var workspace = Workspace.Create(work, index, submission.Student, course, bin, builtCluster);
                    var outDir = Path.Combine(options.Out, Workspace.SafeName(submission.Student));
                    var run = new SubmissionRun(options, course, submission, workspace, outDir, $"{runId}-{index}");
                    running[run] = 0;
                    try
                    {
                        var result = await run.RunAsync();
                        var n = Interlocked.Increment(ref done);
                        Report(progress, n, total, result, ref secondsDone, options.Parallel);
                        return (Run: run, Result: result);
                    }
                    finally
                    {
                        running.TryRemove(run, out _);
                        TryDelete(workspace);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            await stop.CancelAsync();
            await watchdog;

            // Columns: every exercise of the notebooks anyone handed in, in the course's order.
            var handedIn = results.SelectMany(r => r.Run.HandedIn).ToHashSet();
            var exercises = course.Notebooks.Where(handedIn.Contains).SelectMany(n => n.Checks.Select(c => c.Exercise)).Distinct().ToList();
            var rows = results.Select(r => r.Result with
            {
                Grades = exercises.ToDictionary(e => e, e => r.Result.Grades.TryGetValue(e, out var g)
                    ? g : new ExerciseGrade(e, GradeState.NotHandedIn, "no notebook or lesson with this exercise was handed in")),
            }).ToList();
            var book = new Gradebook(exercises, rows, runId, clock.Elapsed.TotalSeconds);
            var (csv, html) = book.Write(options.Out);
            progress.WriteLine(book.Summary());
            progress.WriteLine($"gradebook: {csv}\n           {html}");
            return book;
        }
        finally
        {
            TryDelete(work);
        }
    }

    // Every half second: counts each running submission's processes and memory, and stops one over a limit.
    private static async Task WatchAsync(ConcurrentDictionary<SubmissionRun, byte> running, GradingOptions options, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var scan = SubmissionProcesses.Scan();
            foreach (var run in running.Keys)
            {
                var (count, bytes) = run.Processes.Note(scan);
                if (count > options.MaxProcesses)
                {
                    run.Stop($"it had {count} processes at once, more than the {options.MaxProcesses} allowed (--max-processes)");
                }
                else if (bytes > options.MaxMemoryBytes)
                {
                    run.Stop($"its processes held {bytes >> 20:N0} MB, more than the {options.MaxMemoryBytes >> 20:N0} MB allowed (--max-memory)");
                }
            }

            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // "[3/8] alice: 3/4 ✓ in 42.1 s · about 2 min left": the submissions done so far took this long
    // each, on average, and the rest run `parallel` at a time.
    private static void Report(TextWriter progress, int done, int total, StudentResult result, ref double secondsDone, int parallel)
    {
        lock (progress)
        {
            secondsDone += result.Seconds;
            var left = done == total ? "done" : $"about {Duration(secondsDone / done * Math.Ceiling((total - done) / (double)Math.Max(1, parallel)))} left";
            var passed = result.Grades.Values.Count(g => g.State == GradeState.Passed);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{done}/{total}] {result.Student}: {passed}/{result.Grades.Count} ✓ in {result.Seconds:F1} s · {left}"));
        }
    }

    private static string Duration(double seconds) => seconds >= 90 ? $"{seconds / 60:F0} min" : $"{seconds:F0} s";

    // As setup.dib builds them (Release), once, before any kernel starts.
    private static async Task BuildAsync(string project, TextWriter progress)
    {
        progress.WriteLine($"building {Path.GetFileName(project)}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["build", project, "-c", "Release", "-nologo", "-v", "q"])
        {
            info.ArgumentList.Add(arg);
        }

        using var build = Process.Start(info)!;
        var log = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building {project} failed:\n{log}");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open by a process that was killed a moment ago: the temp folder is cleaned by the OS.
        }
    }
}
