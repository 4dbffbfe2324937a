namespace Helpers.Multiprocessing;

/// <summary>
/// The module-level functions of Python's <c>multiprocessing</c> (the note writes
/// <c>import multiprocessing as mp</c>). With <c>using static Helpers.Multiprocessing.Mp;</c>
/// they read as in Python: <c>ActiveChildren()</c>, <c>CpuCount()</c>, <c>CurrentProcess()</c>.
/// </summary>
public static class Mp
{
    /// <summary>The start method that keeps the next child ready (see <see cref="SetStartMethod"/>).</summary>
    public const string StandbyMethod = "standby";

    /// <summary>The start method that starts every child cold (see <see cref="SetStartMethod"/>).</summary>
    public const string SpawnMethod = "spawn";

    private static readonly Lazy<Process> MainProcess =
        new(() => Process.ForCurrent("MainProcess", Environment.ProcessId));

    private static string startMethod = StandbyMethod;
    private static bool startMethodSet;

    /// <summary>Python's <c>active_children()</c>: the children of this process still running (finished ones are reaped).</summary>
    public static IReadOnlyList<Process> ActiveChildren() => [.. Children.Reap()];

    /// <summary>Python's <c>cpu_count()</c>: the number of logical processors this process may use.</summary>
    public static int CpuCount() => Environment.ProcessorCount;

    /// <summary>
    /// Python's <c>current_process()</c>: in a main program an object named <c>MainProcess</c>; in a
    /// child, the very <see cref="Process"/> object (or subclass object) the parent started.
    /// </summary>
    public static Process CurrentProcess() => ChildMain.Current ?? MainProcess.Value;

    /// <summary>
    /// Python's <c>parent_process()</c>: in a child, an object standing for the parent (name and
    /// pid); <see langword="null"/> in a main program.
    /// </summary>
    public static Process? ParentProcess() => ChildMain.Parent;

    /// <summary>
    /// The OS-wide names (shared memory, semaphores) this process has created and not yet removed,
    /// each with the helpers' type it was made for. Empty once every queue, lock, value, pool … is
    /// disposed: a check that nothing is left behind, on every platform. No Python counterpart
    /// (CPython's resource tracker only warns at exit).
    /// </summary>
    public static IReadOnlyList<SharedObject> SharedObjects() => ResourceTracker.Snapshot();

    /// <summary>Python's <c>get_all_start_methods()</c>: the start methods this platform offers, the default first.</summary>
    public static IReadOnlyList<string> GetAllStartMethods() => [StandbyMethod, SpawnMethod];

    /// <summary>
    /// Python's <c>get_start_method(allow_none=False)</c>: how children are started. As in Python,
    /// asking fixes the method (so does starting a process): <see cref="SetStartMethod"/> then needs
    /// <c>force</c>. With <paramref name="allowNone"/>, a method not fixed yet gives null and stays open.
    /// </summary>
    public static string? GetStartMethod(bool allowNone = false)
    {
        lock (MainProcess)
        {
            if (!startMethodSet && allowNone)
            {
                return null;
            }

            startMethodSet = true;
            return startMethod;
        }
    }

    /// <summary>The start method, without fixing it (the helpers' own reads).</summary>
    internal static string CurrentStartMethod => Volatile.Read(ref startMethod);

    /// <summary>
    /// Python's <c>set_start_method(method, force=False)</c>. Two methods exist, and both start a
    /// fresh .NET runtime, for .NET cannot fork:
    /// <list type="bullet">
    /// <item><c>"standby"</c> (the default), CPython's forkserver idea: the next child is started
    /// ahead of time and waits, ready, until <see cref="Process.Start"/> hands it its work.</item>
    /// <item><c>"spawn"</c>: every child is started when it is asked for, as CPython's spawn does.</item>
    /// </list>
    /// </summary>
    /// <param name="method">One of <see cref="GetAllStartMethods"/>; null with <paramref name="force"/> leaves it open again.</param>
    /// <param name="force">Change a method already fixed (Python raises without it, and so does this).</param>
    /// <exception cref="ArgumentException">An unknown method, or <c>fork</c>/<c>forkserver</c>, which .NET cannot offer.</exception>
    /// <exception cref="InvalidOperationException">The method is fixed already (set, asked for, or used by a started process) and <paramref name="force"/> is false.</exception>
    public static void SetStartMethod(string? method, bool force = false)
    {
        if (method is not null && !GetAllStartMethods().Contains(method))
        {
            throw new ArgumentException(method is "fork" or "forkserver"
                ? $"'{method}' needs fork(), which a running .NET runtime cannot do. Use \"{StandbyMethod}\" (a child started ahead of time, as forkserver keeps a server ready) or \"{SpawnMethod}\"."
                : $"Unknown start method '{method}'; choose one of: {string.Join(", ", GetAllStartMethods())}.", nameof(method));
        }

        lock (MainProcess)
        {
            if (startMethodSet && !force)
            {
                throw new InvalidOperationException($"The start method is already fixed (to \"{startMethod}\": set, asked for, or used by a started process). Pass force: true to change it, as Python's set_start_method(method, force=True).");
            }

            // Python: set_start_method(None, force=True) leaves the method open again, at its default.
            startMethodSet = method is not null;
            Volatile.Write(ref startMethod, method ?? StandbyMethod);
        }

        if (CurrentStartMethod == SpawnMethod)
        {
            Standby.Clear();
        }
    }

    /// <summary>
    /// Starts the child of <paramref name="owner"/> with the start method, which this fixes: the one
    /// place a start method is chosen, as CPython's context gives each method its own Popen.
    /// </summary>
    internal static Popen StartChild(SpawnRequest request, Process owner)
    {
        string method;
        lock (MainProcess)
        {
            startMethodSet = true;
            method = startMethod;
        }

        return method == StandbyMethod ? StandbyPopen.Start(request, owner) : SpawnPopen.Start(request, owner);
    }
}
