using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// Spawning, as CPython's <c>spawn.py</c>: what the parent sends, and the child's entry point.
/// </summary>
/// <remarks>
/// The child is <c>dotnet exec Helpers.dll</c>. Its standard input carries one line of JSON (the
/// <see cref="SpawnRequest"/>; a spare of the standby start method first gets a line of assemblies to
/// load, and answers with <see cref="ReadyLine"/>) and then stays open as a lifeline: when the parent dies, for any
/// reason, the pipe closes and the child kills itself, so no orphan is left behind. This works the
/// same on Linux, macOS and Windows. The child reports how it ended with a last, tagged line on its
/// standard output (see <see cref="Popen"/>), so an exit code can never be mistaken for a signal.
/// </remarks>
internal static class Spawn
{
    /// <summary>The argument that makes a child a spare of the standby start method (see <see cref="Standby"/>).</summary>
    public const string StandbyArgument = "--standby";

    private const string NotByHand =
        "Helpers.dll is the program a Helpers.Multiprocessing.Process runs in a child; it is not meant to be started by hand. " +
        "To run a lesson from the repository's root: dotnet run --file lessons/01-process-creation.cs (or cd lessons, then dotnet run 01-process-creation.cs).";

    /// <summary>What a spare writes on its standard output once it is ready for a request.</summary>
    public const string ReadyLine = "\u001eready";

    /// <summary>The process object this child runs; <see langword="null"/> in a main program.</summary>
    public static Process? Current { get; private set; }

    /// <summary>Stands for the parent of this child; <see langword="null"/> in a main program.</summary>
    public static Process? Parent { get; private set; }

    /// <summary>This child's identity path ("2:1"); <see langword="null"/> in a main program.</summary>
    public static string? Identity => Current?.Identity;

    /// <summary>Builds what the child needs: checks that every argument can cross, and fails here if not.</summary>
    /// <exception cref="ArgumentException">An argument cannot be bound or sent; the message names it.</exception>
    public static SpawnRequest Prepare(Process process, Target? target)
    {
        var type = process.GetType();
        Dictionary<string, string>? state = null;
        string? args = null;
        if (target is null)
        {
            state = Reduction.StateOf(process).ToDictionary(
                f => Reduction.StateKey(f.Field),
                f => Check(f.Dump, $"Field '{f.Field.Name}' of {type.Name}"));
        }
        else
        {
            var bound = target.Bind(process.Args, process.Kwargs);
            var parameters = target.Method.GetParameters();
            var encoded = new string[bound.Length];
            for (var i = 0; i < bound.Length; i++)
            {
                var value = bound[i];
                encoded[i] = Check(() => Reduction.Dumps(value, typeof(object)), $"Argument '{parameters[i].Name}' of {target.DisplayName}()");
            }

            args = JsonSerializer.Serialize(encoded, SpawnJson.Default.StringArray);
        }

        return new SpawnRequest(
            Identity: process.Identity,
            Name: process.Name,
            Daemon: process.Daemon,
            ParentPid: Environment.ProcessId,
            ParentName: Mp.CurrentProcess().Name,
            Nonce: Guid.NewGuid().ToString("N"),
            Assemblies: Assemblies.ForChild(),
            Type: TypeRef.From(target?.Method.DeclaringType ?? type),
            Method: target?.Method.Name,
            ParameterTypes: target?.ParameterTypeNames,
            Args: args,
            State: state);
    }

    // Kept alive for the life of the process: disposing it would restore the signal's default.
    private static PosixSignalRegistration? IgnoreInterrupt { get; set; }

    /// <summary>The child's entry point: <c>dotnet exec Helpers.dll</c> with a request on standard input (or <c>--resource-tracker</c>).</summary>
    /// <param name="args">Empty for a child process; <see cref="StandbyArgument"/> for a spare; <see cref="ResourceTracker.Argument"/> for the tracker.</param>
    /// <returns>The process exit code: 0, 1 after an unhandled exception, or 2 for a malformed request.</returns>
    public static int Main(string[] args)
    {
        // Jupyter interrupts a kernel with SIGINT to its whole process group. The parent decides what
        // an interrupt stops (the children of the interrupted cell: see InterruptScope), so neither a
        // child nor the spare nor the tracker dies of the signal itself.
        IgnoreInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        if (args is [ResourceTracker.Argument] && !OperatingSystem.IsWindows())
        {
            return ResourceTracker.Run();
        }

        var standby = args is [StandbyArgument];
        if ((args.Length > 0 && !standby) || !Console.IsInputRedirected)
        {
            // Someone ran it by hand (dotnet run in the repository's root runs this project): say
            // what it is rather than wait for a request that will never come.
            Console.Error.WriteLine(NotByHand);
            return 2;
        }

        if (standby)
        {
            WarmUp();
        }

        var stdin = Console.OpenStandardInput();
        var lines = new LineReader(stdin);
        if (standby)
        {
            // The parent's first line: the assemblies its last child loaded, to load them now.
            if (lines.Next() is not { } preload)
            {
                return 0; // Discarded, or the parent is gone, before anything was sent.
            }

            Preload(preload);
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(ReadyLine + "\n"));
        }

        var line = lines.Next();
        if (line is null && standby)
        {
            return 0; // A spare that was never used: the parent discarded it, or is gone.
        }

        if (line is null || JsonSerializer.Deserialize(line, SpawnJson.Default.SpawnRequest) is not { } request)
        {
            Console.Error.WriteLine(NotByHand);
            return 2;
        }

        WatchLifeline(stdin);
        Console.SetIn(TextReader.Null);
        if (OperatingSystem.IsWindows())
        {
            // The parent reads UTF-8; a redirected console on Windows would write the code page.
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true });
            Console.SetError(new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true });
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Popen.ChildExitReported = true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Popen.ReportChildExit(request.Nonce, Environment.ExitCode);
        var code = Run(request);
        Environment.ExitCode = code;
        return code;
    }

    // What every child does before it runs its target, done by a spare before it has a request:
    // the request's JSON, an argument's decoding, the console's writers. The spare then waits with
    // these compiled, and only the target's own code is new when the request comes.
    private static void WarmUp()
    {
        var sample = new SpawnRequest(
            "1", "Process-1", false, 0, "MainProcess", "", [], TypeRef.From(typeof(Spawn)), nameof(WarmUp), [],
            JsonSerializer.Serialize(new[] { Reduction.Dumps(0, typeof(object)) }, SpawnJson.Default.StringArray), null);
        var json = JsonSerializer.Serialize(sample, SpawnJson.Default.SpawnRequest);
        if (JsonSerializer.Deserialize(json, SpawnJson.Default.SpawnRequest) is { Args: { } args })
        {
            _ = Decode(args);
        }

        Assemblies.Install([]);
        _ = Process.ForCurrent("MainProcess", Environment.ProcessId);
        new Process(Target.Find(TypeRef.From(typeof(Spawn)), nameof(Probe), []), []).Run();
        _ = Console.Out;
        _ = Console.Error;
    }

    // The target a spare runs while it warms up: it does nothing, through every step a target takes.
    private static void Probe()
    {
    }

    private static int Run(SpawnRequest request)
    {
        Process process;
        try
        {
            Assemblies.Install(request.Assemblies);
            Parent = Process.ForCurrent(request.ParentName, request.ParentPid);
            process = request.Method is null
                ? Reduction.LoadState(request.Type.Resolve(), request.State!)
                : new Process(Target.Find(request.Type, request.Method, request.ParameterTypes!), Decode(request.Args!));
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
            process.Run();
            return 0;
        }
        catch (Exception e)
        {
            // Python prints "Process NAME:" and the traceback, then exits with 1.
            Console.Error.WriteLine($"Process {request.Name}:");
            Console.Error.WriteLine(Traceback.Format(e, "at Helpers.Multiprocessing.Target.Invoke(", "at Helpers.Multiprocessing.Process.Run()", "at Helpers.Multiprocessing.Spawn."));
            return 1;
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }

    private static object?[] Decode(string args) =>
        [.. JsonSerializer.Deserialize(args, SpawnJson.Default.StringArray)!.Select(a => Reduction.Loads(a, typeof(object)))];

    private static string Check(Func<string> dump, string what)
    {
        try
        {
            var json = dump();
            Reduction.CheckRoundTrip(json, typeof(object)); // What cannot be rebuilt fails here, in the parent, not in the child.
            return json;
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            throw new ArgumentException($"{what} cannot be sent to the child process: {e.Message}", e);
        }
    }

    // Installs and loads the assemblies the parent's last child needed: for a notebook, .NET
    // Interactive's files and the cells emitted so far. After the runtime's start, loading them is
    // most of a child's start. One that cannot be loaded is skipped: the request's own list decides
    // what the child needs, and a failure shows there.
    private static void Preload(string json)
    {
        var sources = JsonSerializer.Deserialize(json, SpawnJson.Default.ListAssemblySource) ?? [];
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
                    return System.Text.Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
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

            Popen.ChildExitReported = true;
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        })
        {
            IsBackground = true,
            Name = "multiprocessing lifeline",
        };
        watcher.Start();
    }
}

/// <summary>Everything a child needs to run one <see cref="Process"/>: CPython's preparation data plus the pickled process.</summary>
/// <param name="Identity">The child's identity path, for naming its own children.</param>
/// <param name="Name">The process name the parent gave.</param>
/// <param name="Daemon">The daemon flag the parent gave.</param>
/// <param name="ParentPid">The parent's process id.</param>
/// <param name="ParentName">The parent's process name.</param>
/// <param name="Nonce">Tags the child's exit report so that program output cannot forge it.</param>
/// <param name="Assemblies">Where the child loads code from.</param>
/// <param name="Type">The subclass to rebuild, or the type that declares the target method.</param>
/// <param name="Method">The target method's name (function style), or <see langword="null"/> (subclass style).</param>
/// <param name="ParameterTypes">The target's parameter types, to tell overloads apart.</param>
/// <param name="Args">The bound arguments, each serialized with its runtime type.</param>
/// <param name="State">The subclass object's fields, each serialized with its runtime type (subclass style).</param>
internal sealed record SpawnRequest(
    string Identity,
    string Name,
    bool Daemon,
    int ParentPid,
    string ParentName,
    string Nonce,
    List<AssemblySource> Assemblies,
    TypeRef Type,
    string? Method,
    string[]? ParameterTypes,
    string? Args,
    Dictionary<string, string>? State);

/// <summary>Source-generated (reflection-free) serialization of the request: a child starts faster.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SpawnRequest))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<AssemblySource>))]
internal sealed partial class SpawnJson : JsonSerializerContext;
