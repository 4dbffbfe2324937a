using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>
/// The child's half of spawning, as CPython's <c>spawn.spawn_main</c>: the entry point of
/// <c>Helpers.dll</c> in every role a child program has (see <see cref="Wire"/>), the spare's
/// warm-up, the child's run of its <see cref="Process"/>, its lifeline and its exit report.
/// </summary>
/// <remarks>
/// The lifeline: after its request, the child's standard input stays open until the parent dies,
/// for any reason; then the pipe closes and the child kills itself, so no orphan is left behind.
/// This works the same on Linux, macOS and Windows. The child reports how it ended with a last,
/// tagged line on its standard output (<see cref="Wire.ExitReport"/>), so an exit code can never be
/// mistaken for a signal.
/// </remarks>
internal static class ChildMain
{
    private const string NotByHand =
        "Helpers.dll is the program a Helpers.Multiprocessing.Process runs in a child; it is not meant to be started by hand. " +
        "To run a lesson from the repository's root: dotnet run --file lessons/01-process-creation.cs (or cd lessons, then dotnet run 01-process-creation.cs).";

    // How long a ready spare waits for a request that is already on its way before it readies the
    // serializer of arguments (see WarmUpArguments): a parent that waited sends its request within
    // a millisecond or two of "ready".
    private static readonly TimeSpan RequestGrace = TimeSpan.FromMilliseconds(10);

    private static int exitReported;
    private static long runtimeUp;
    private static long requestRead;
    private static int targetEndRecorded;

    /// <summary>The process object this child runs; <see langword="null"/> in a main program.</summary>
    public static Process? Current { get; private set; }

    /// <summary>Stands for the parent of this child; <see langword="null"/> in a main program.</summary>
    public static Process? Parent { get; private set; }

    /// <summary>This child's identity path ("2:1"); <see langword="null"/> in a main program.</summary>
    public static string? Identity => Current?.Identity;

    // Kept alive for the life of the process: disposing it would restore the signal's default.
    private static PosixSignalRegistration? IgnoreInterrupt { get; set; }

    /// <summary>The entry point of <c>Helpers.dll</c>: a child with its request on standard input, a spare, or the resource tracker.</summary>
    /// <param name="args">Empty for a child; <see cref="Wire.StandbyArgument"/> for a spare; <see cref="Wire.TrackerArgument"/> for the tracker.</param>
    /// <returns>The process exit code: 0, 1 after an unhandled exception, or 2 for a malformed request.</returns>
    public static int Main(string[] args)
    {
        // The runtime is up: the first step of this child on a timeline (a spare's is long before its request).
        runtimeUp = System.Diagnostics.Stopwatch.GetTimestamp();

        // Jupyter interrupts a kernel with SIGINT to its whole process group. The parent decides what
        // an interrupt stops (the children of the interrupted cell: see InterruptScope), so neither a
        // child nor the spare nor the tracker dies of the signal itself.
        IgnoreInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        if (!OperatingSystem.IsWindows())
        {
            // The parent reads UTF-8 (Windows: see Serve). Saying so also spares Console its lookup
            // of the locale's charset, whose ToLowerInvariant loads ICU: 15 ms of CPU a start, in a
            // child whose target may never format a line of text.
            Console.OutputEncoding = new UTF8Encoding(false);
        }

        if (args is [Wire.TrackerArgument] && !OperatingSystem.IsWindows())
        {
            return ResourceTracker.Run();
        }

        var standby = args is [Wire.StandbyArgument];
        if ((args.Length > 0 && !standby) || !Console.IsInputRedirected)
        {
            // Someone ran it by hand (dotnet run in the repository's root runs this project): say
            // what it is rather than wait for a request that will never come.
            Console.Error.WriteLine(NotByHand);
            return 2;
        }

        var stdin = Console.OpenStandardInput();
        var lines = new LineReader(stdin);
        if (standby && !GetReady(lines))
        {
            return 0; // Discarded, or the parent is gone, before anything was sent.
        }

        var line = lines.Next();
        if (line is null && standby)
        {
            return 0; // A spare that was never used: the parent discarded it, or is gone.
        }

        if (line is null)
        {
            Console.Error.WriteLine(NotByHand);
            return 2;
        }

        if (Parse(line) is not { } request)
        {
            return 2; // Parse said why.
        }

        Volatile.Write(ref requestRead, System.Diagnostics.Stopwatch.GetTimestamp());

        return Serve(request, stdin);
    }

    // The request, or null (said on standard error) if it is not one.
    private static SpawnRequest? Parse(string line)
    {
        try
        {
            return Wire.ReadRequest(line);
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"The child's request could not be read: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// In a child, on exit: tells the parent the exit code, once, on a tagged last line of standard
    /// output. Not after <see cref="SkipExitReport"/>.
    /// </summary>
    public static void ReportExit(string nonce, int code)
    {
        if (Interlocked.Exchange(ref exitReported, 1) != 0)
        {
            return;
        }

        Console.Out.Flush();
        WriteLine(Wire.ExitReport(nonce, code));
    }

    // A line to the parent on standard output, past Console.Out (whose buffer holds the target's output).
    private static void WriteLine(string line)
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(Encoding.UTF8.GetBytes(line + "\n"));
    }

    // A child that is killed (a signal, a lost lifeline) must not report an exit code: the parent
    // then reads the death from the OS.
    private static void SkipExitReport() => Volatile.Write(ref exitReported, 1);

    // A spare: readies the start path, loads the assemblies of the parent's first line, and says
    // so; then readies the serializer of arguments while it waits.
    private static bool GetReady(LineReader lines)
    {
        WarmUp();
        if (lines.Next() is not { } preload)
        {
            return false;
        }

        Preload(preload);
        WriteLine(Wire.SpareReady);
        new Thread(WarmUpArguments) { IsBackground = true, Name = "spare warm-up" }.Start();
        return true;
    }

    // A child with its request: from now on the standard input is the lifeline, and the exit is reported.
    private static int Serve(SpawnRequest request, Stream stdin)
    {
        WatchLifeline(stdin);
        Console.SetIn(TextReader.Null);
        if (OperatingSystem.IsWindows())
        {
            // The parent reads UTF-8; a redirected console on Windows would write the code page.
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
            Console.SetError(new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true });
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => SkipExitReport());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Environment.Exit in the target skips Run's finally: its timeline still sees the target end.
            if (request.Timeline is { } timeline && Interlocked.Exchange(ref targetEndRecorded, 1) == 0)
            {
                Tracing.Recorder.Current?.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.TargetEnded, timeline.StartId, Environment.ExitCode);
            }

            ReportExit(request.Nonce, Environment.ExitCode);
        };
        var code = Run(request);
        Environment.ExitCode = code;
        return code;
    }

    // What every child does before it runs its target, done by a spare before it says it is ready:
    // the request's JSON, the target's lookup and run, the console's writers. Only the target's own
    // code is new when the request comes.
    private static void WarmUp()
    {
        var sample = new SpawnRequest(
            "1", "Process-1", false, 0, "MainProcess", "", [], TypeRef.From(typeof(ChildMain)), nameof(WarmUp), [], [new Pickled("0")], null);
        _ = Wire.ReadRequest(Wire.WriteRequest(sample));
        Assemblies.Install([]);
        _ = Process.ForCurrent("MainProcess", Environment.ProcessId);
        new Process(Target.Find(TypeRef.From(typeof(ChildMain)), nameof(Probe), []), []).Run();
        _ = Console.Out;
        _ = Console.Error;
    }

    // What a target's arguments need, done by a ready spare on a thread of its own: the first use
    // of Reduction's serializer (its options, converters and contracts) took 24-26 ms of CPU in a
    // cold process on the CI machine (2026-12-06), and a child whose target takes no arguments
    // never needs it. Until it is done a spare is already ready: a request that comes
    // sooner (starts back to back) gets a spare that much sooner, and the serializer, safe to use
    // from two threads, is readied by whichever thread comes first.
    private static void WarmUpArguments()
    {
        // A request that came at once (starts back to back) was waited for: it runs its target now,
        // which may need no arguments at all, and would only share its CPU with this warm-up.
        Thread.Sleep(RequestGrace);
        if (Volatile.Read(ref requestRead) != 0)
        {
            return;
        }

        try
        {
            _ = Pickled.Dump(0).Load();
        }
        catch (Exception)
        {
            // Only a warm-up: the target's own arguments say what is wrong, if anything is.
        }
    }

    // The target a spare runs while it warms up: it does nothing, through every step a target takes.
    private static void Probe()
    {
    }

    private static int Run(SpawnRequest request)
    {
        var recorder = request.Timeline is { } timeline ? Tracing.Recorder.Join(timeline, request.Name) : null;
        var startId = request.Timeline?.StartId ?? 0;
        recorder?.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.RuntimeUp, startId, ticks: runtimeUp);
        recorder?.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.RequestRead, startId, ticks: requestRead);
        var code = 1;
        try
        {
            code = RunTarget(request, recorder, startId);
            return code;
        }
        finally
        {
            if (Interlocked.Exchange(ref targetEndRecorded, 1) == 0)
            {
                recorder?.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.TargetEnded, startId, code);
            }
        }
    }

    private static int RunTarget(SpawnRequest request, Tracing.Recorder? recorder, long startId)
    {
        Process process;
        try
        {
            Assemblies.Install(request.Assemblies);
            Parent = Process.ForCurrent(request.ParentName, request.ParentPid);
            process = request.Method is null
                ? Reduction.LoadState(request.Type.Resolve(), request.State!.ToDictionary(f => f.Key, f => f.Value.Json))
                : new Process(Target.Find(request.Type, request.Method, request.ParameterTypes!), Load(request.Args!));
            process.AdoptIdentity(request.Identity, request.Name, request.Daemon, Environment.ProcessId);
            Current = process;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Process {request.Name} could not start: {e}");
            return 1;
        }

        try
        {
            WriteLine(Wire.TargetBegun(request.Nonce));
        }
        catch (IOException)
        {
            // Nobody reads our output (the parent is gone): the lifeline ends this child.
        }

        try
        {
            recorder?.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.TargetBegun, startId);
            process.Run();
            return 0;
        }
        catch (Exception e)
        {
            // Python prints "Process NAME:" and the traceback, then exits with 1.
            Console.Error.WriteLine($"Process {request.Name}:");
            Console.Error.WriteLine(Traceback.Format(e, "at Helpers.Multiprocessing.Target.Invoke(", "at Helpers.Multiprocessing.Process.Run()", "at Helpers.Multiprocessing.ChildMain."));
            return 1;
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }

    private static object?[] Load(Pickled[] args) => [.. args.Select(a => a.Load())];

    // Installs and loads the assemblies the parent's last child needed: for a notebook, .NET
    // Interactive's files and the cells emitted so far. After the runtime's start, loading them is
    // most of a child's start. One that cannot be loaded is skipped: the request's own list decides
    // what the child needs, and a failure shows there.
    private static void Preload(string json)
    {
        var sources = Wire.ReadAssemblies(json);
        Assemblies.Install(sources);
        foreach (var source in sources)
        {
            try
            {
                _ = Assemblies.Load(source.Name);
            }
            catch (Exception e) when (e is IOException or BadImageFormatException)
            {
            }
        }
    }

    /// <summary>
    /// Lines from the parent: a spare's preload list, then the request; after that the parent writes
    /// nothing until it dies. Buffered, keeping what follows a line for the next one.
    /// </summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        public string? Next()
        {
            var line = new MemoryStream();
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                if (newline >= 0)
                {
                    line.Write(buffer, start, newline - start);
                    start = newline + 1;
                    return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
                }

                line.Write(buffer, start, end - start);
                (start, end) = (0, stream.Read(buffer));
                if (end <= 0)
                {
                    return null;
                }
            }
        }
    }

    // When the parent dies its end of our standard input closes: read returns 0. Die with it, at once,
    // without running exit handlers that could wait for anything.
    private static void WatchLifeline(Stream stdin)
    {
        var watcher = new Thread(() =>
        {
            var buffer = new byte[64];
            try
            {
                while (stdin.Read(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            SkipExitReport();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        })
        {
            IsBackground = true,
            Name = "multiprocessing lifeline",
        };
        watcher.Start();
    }
}
