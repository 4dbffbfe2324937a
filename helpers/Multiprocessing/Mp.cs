namespace Helpers.Multiprocessing;

/// <summary>
/// The module-level functions of Python's <c>multiprocessing</c> (the note writes
/// <c>import multiprocessing as mp</c>). With <c>using static Helpers.Multiprocessing.Mp;</c>
/// they read as in Python: <c>ActiveChildren()</c>, <c>CpuCount()</c>, <c>CurrentProcess()</c>.
/// </summary>
public static class Mp
{
    private static readonly Lazy<Process> MainProcess =
        new(() => Process.ForCurrent("MainProcess", Environment.ProcessId));

    /// <summary>Python's <c>active_children()</c>: the children of this process still running (finished ones are reaped).</summary>
    public static IReadOnlyList<Process> ActiveChildren() => [.. Children.Reap()];

    /// <summary>Python's <c>cpu_count()</c>: the number of logical processors this process may use.</summary>
    public static int CpuCount() => Environment.ProcessorCount;

    /// <summary>
    /// Python's <c>current_process()</c>: in a main program an object named <c>MainProcess</c>; in a
    /// child, the very <see cref="Process"/> object (or subclass object) the parent started.
    /// </summary>
    public static Process CurrentProcess() => Spawn.Current ?? MainProcess.Value;

    /// <summary>
    /// Python's <c>parent_process()</c>: in a child, an object standing for the parent (name and
    /// pid); <see langword="null"/> in a main program.
    /// </summary>
    public static Process? ParentProcess() => Spawn.Parent;

    /// <summary>
    /// The OS-wide names (shared memory, semaphores) this process has created and not yet removed,
    /// each with the helpers' type it was made for. Empty once every queue, lock, value, pool … is
    /// disposed: a check that nothing is left behind, on every platform. No Python counterpart
    /// (CPython's resource tracker only warns at exit).
    /// </summary>
    public static IReadOnlyList<SharedObject> SharedObjects() => ResourceTracker.Snapshot();
}
