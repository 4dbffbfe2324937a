using System.Collections;

namespace Helpers.Multiprocessing;

/// <summary>
/// The spare of the <c>standby</c> start method (<see cref="StandbyPopen"/>), the helpers' counterpart
/// of CPython's forkserver: the next child is started before it is asked for, so that
/// <see cref="Process.Start"/> hands a request to a runtime that is already up, with
/// <c>Helpers.dll</c> loaded and its start path compiled.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>.NET cannot fork a running runtime, so CPython's server that forks children has no
/// counterpart; a spare child waiting for its request is what can be kept ready instead. There is one
/// spare per parent at first, started after the first <see cref="Process.Start"/> and replaced in
/// the background each time one is taken, once the children starting have begun their targets
/// (<see cref="Launched"/>); when starts come together (a start finds no spare
/// ready), one more is kept, up to one per CPU, as the note's own pattern starts a child per CPU
/// in a loop.</item>
/// <item>A spare is not a child until it is taken: <see cref="Mp.ActiveChildren"/> does not list it.
/// It holds no shared object, and waits on the same lifeline as a child (its standard input): when
/// the parent dies, for any reason, it exits.</item>
/// <item>A spare first loads the assemblies the parent's last child needed (for a notebook, .NET
/// Interactive's and the cells emitted so far): after the runtime's own start, loading them is most
/// of a child's start. The request still carries every assembly; only new cells load then.</item>
/// <item>A spare inherited the parent's environment variables and working directory when it was
/// started. If either has changed since, it is discarded and the child starts cold, as with
/// <c>spawn</c>: a child always sees the environment of the moment it was started.</item>
/// </list>
/// </remarks>
internal static class Standby
{
    private static readonly TimeSpan DiscardTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    // How long a start waits for a spare already on its way before it starts a child cold instead.
    // A spare comes up in a cold child's time or less (it began earlier); this only bounds a spare
    // that is stuck, on a machine too loaded to start one.
    private static readonly TimeSpan WaitForStarting = TimeSpan.FromSeconds(2);

    private static readonly object Gate = new();
    private static readonly System.Collections.Generic.Queue<Spare> Ready = new();
    private static List<AssemblySource> assemblies = [];
    private static int starting;
    private static int launching;
    private static int waiting;
    private static int wanted = 1;

    /// <summary>The pid of the spare the next start takes, while one is ready; null otherwise (for tests and diagnostics).</summary>
    public static int? SparePid => ReadyPids is [var next, ..] ? next : null;

    /// <summary>The pids of the spares ready now, the next to be taken first (for tests and diagnostics).</summary>
    public static IReadOnlyList<int> ReadyPids
    {
        get
        {
            lock (Gate)
            {
                return [.. Ready.Select(s => s.Os.Id)];
            }
        }
    }

    /// <summary>How many spares are starting now, not ready yet (for tests and diagnostics).</summary>
    public static int Starting
    {
        get
        {
            lock (Gate)
            {
                return starting;
            }
        }
    }

    /// <summary>How many spares are kept: 1, and one more each time a start finds none ready, up to <see cref="Mp.CpuCount"/>.</summary>
    public static int Wanted
    {
        get
        {
            lock (Gate)
            {
                return wanted;
            }
        }
    }

    /// <summary>
    /// Counts a child that is starting (its target not begun yet). Spares are readied only when no
    /// child is starting: a spare started sooner takes the CPUs from the children's own starts (on two
    /// CPUs, a pool's two workers and their two new spares came up together; a loop's four children,
    /// and two spares beside them). A child that stays in its start (an argument that blocks as it
    /// is rebuilt) holds new spares back until it begins or ends; starts meanwhile are cold.
    /// </summary>
    public static void Launched() => Interlocked.Increment(ref launching);

    /// <summary>A child counted by <see cref="Launched"/> has begun its target, or ended: the last one readies the spares wanted.</summary>
    public static void Begun()
    {
        if (Interlocked.Decrement(ref launching) == 0)
        {
            Replenish();
        }
    }

    /// <summary>Remembers the assemblies a child loads, for the next spare to load before its request comes.</summary>
    public static void Remember(List<AssemblySource> childAssemblies) => Volatile.Write(ref assemblies, childAssemblies);

    /// <summary>
    /// Takes a spare if there is one whose environment is still the parent's, with
    /// <paramref name="request"/> trimmed to what the spare has not loaded yet (the images of new
    /// cells); null if there is none fit to take.
    /// </summary>
    /// <remarks>
    /// With none ready, a start with no other child running waits for a spare already starting that
    /// no other start waits for: it is further along than a child started now would be, and a child
    /// started now would only compete with it for the CPUs. Such a start also means that starts come
    /// together, so one more spare is kept from then on, up to a CPU each.
    /// </remarks>
    public static (System.Diagnostics.Process Os, SpawnRequest Request)? Take(SpawnRequest request)
    {
        Spare? spare = null;
        lock (Gate)
        {
            if (Ready.Count == 0)
            {
                wanted = Math.Min(Mp.CpuCount(), wanted + 1);
                // Only a start on its own waits (start, join, start again): while other children
                // run, a child started cold returns at once and comes up beside them, so a start
                // in a loop never queues behind spares (a hundred children under Wine waited 2 s each).
                if (starting > waiting && !Children.AnyRunning())
                {
                    waiting++;
                    try
                    {
                        var deadline = Deadline.After(WaitForStarting);
                        while (Ready.Count == 0 && starting > 0 && !deadline.HasPassed)
                        {
                            // In slices inside an interruptible scope: the stop button ends this wait too.
                            _ = Monitor.Wait(Gate, deadline.RemainingAtMost(InterruptScope.NextSlice(WaitForStarting)));
                            InterruptScope.ThrowIfInterrupted("a spare to start (Process.Start)");
                        }
                    }
                    finally
                    {
                        waiting--;
                    }
                }
            }

            _ = Ready.TryDequeue(out spare);
        }

        if (spare is null)
        {
            return null;
        }

        if (!spare.Os.HasExited && spare.Matches(Snapshot()))
        {
            // The spare has these images already: their names are enough (an image is large, and
            // each one would be encoded here and decoded there again).
            var loaded = spare.Loaded;
            return (spare.Os, request with { Assemblies = [.. request.Assemblies.Select(a => a.Image is not null && loaded.Contains(a.Name) ? a with { Image = null, Symbols = null } : a)] });
        }

        Discard(spare);
        return null;
    }

    // Starts spares in the background until as many are ready or starting as are wanted.
    private static void Replenish()
    {
        int more;
        lock (Gate)
        {
            // After a switch to spawn, a child of standby that begins now readies nothing.
            if (Mp.CurrentStartMethod != Mp.StandbyMethod)
            {
                return;
            }

            more = wanted - Ready.Count - starting;
            if (more <= 0)
            {
                return;
            }

            starting += more;
        }

        using (ExecutionContext.SuppressFlow()) // A spare outlives the cell that started it.
        {
            for (var i = 0; i < more; i++)
            {
                _ = Task.Run(StartSpare);
            }
        }
    }

    // Launches a spare, hands it the assemblies to load, and offers it only once it says it is
    // ready: until then a start that does not wait for it starts a child cold.
    private static async Task StartSpare()
    {
        Spare? spare = null;
        try
        {
            var environment = Snapshot();
            var preload = Volatile.Read(ref assemblies);
            spare = new Spare(ChildHost.Launch(Wire.StandbyArgument), environment, [.. preload.Where(a => a.Image is not null).Select(a => a.Name)]);
            await spare.Os.StandardInput.WriteLineAsync(Wire.WriteAssemblies(preload)).ConfigureAwait(false);
            await spare.Os.StandardInput.FlushAsync().ConfigureAwait(false);
            var line = await spare.Os.StandardOutput.ReadLineAsync().WaitAsync(ReadyTimeout).ConfigureAwait(false);
            if (line == Wire.SpareReady)
            {
                lock (Gate)
                {
                    if (Mp.CurrentStartMethod == Mp.StandbyMethod)
                    {
                        Ready.Enqueue(spare);
                        spare = null;
                    }
                }
            }
        }
        catch (Exception)
        {
            // No spare this time (it could not start, ended, or was not ready in time): the next
            // child starts cold, and says why if it cannot start either.
        }
        finally
        {
            lock (Gate)
            {
                starting--;
                Monitor.PulseAll(Gate);
            }

            if (spare is not null)
            {
                Discard(spare);
            }
        }
    }

    /// <summary>Ends every spare (the start method changed to <c>spawn</c>); the next ones are wanted one at a time again.</summary>
    public static void Clear()
    {
        List<Spare> spares;
        lock (Gate)
        {
            spares = [.. Ready];
            Ready.Clear();
            wanted = 1;
        }

        spares.ForEach(Discard);
    }

    // Closing its standard input is the spare's signal to exit (end of input before a request). It is
    // reaped once it has exited, and killed if it has not within the limit, so nothing outlives it.
    private static void Discard(Spare spare)
    {
        try
        {
            spare.Os.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        _ = spare.Os.WaitForExitAsync().WaitAsync(DiscardTimeout).ContinueWith(
            exited =>
            {
                try
                {
                    if (!exited.IsCompletedSuccessfully)
                    {
                        spare.Os.Kill();
                        spare.Os.WaitForExit(DiscardTimeout);
                        RuntimeFiles.Sweep(); // Killed, it could not remove the runtime's files itself.
                    }
                }
                catch (Exception)
                {
                    // Exiting already, or gone.
                }
                finally
                {
                    spare.Os.Dispose();
                }
            },
            TaskScheduler.Default);
    }

    private static (string Directory, Dictionary<string, string> Variables) Snapshot()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return (Environment.CurrentDirectory, variables);
    }

    private sealed class Spare(System.Diagnostics.Process os, (string Directory, Dictionary<string, string> Variables) environment, HashSet<string> loaded)
    {
        public System.Diagnostics.Process Os { get; } = os;

        // The in-memory assemblies (notebook cells) it was sent to load.
        public HashSet<string> Loaded { get; } = loaded;

        public bool Matches((string Directory, Dictionary<string, string> Variables) now) =>
            now.Directory == environment.Directory
            && now.Variables.Count == environment.Variables.Count
            && now.Variables.All(v => environment.Variables.TryGetValue(v.Key, out var value) && value == v.Value);
    }
}
