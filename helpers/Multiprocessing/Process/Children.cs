namespace Helpers.Multiprocessing;

/// <summary>
/// The children this process started and has not yet seen exit (CPython's <c>process._children</c>),
/// and what happens to them when this process exits (CPython's <c>util._exit_function</c>).
/// </summary>
internal static class Children
{
    private static readonly HashSet<Process> Running = [];
    private static int exitHandlerInstalled;

    /// <summary>Holds a started child. The strong reference also keeps its lifeline pipe open.</summary>
    public static void Add(Process child)
    {
        if (Interlocked.Exchange(ref exitHandlerInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => OnExit();
        }

        lock (Running)
        {
            Running.Add(child);
        }
    }

    public static void Remove(Process child)
    {
        lock (Running)
        {
            Running.Remove(child);
        }
    }

    /// <summary>Whether a child of this process is still running (without reaping or waiting for any).</summary>
    public static bool AnyRunning()
    {
        Process[] all;
        lock (Running)
        {
            all = [.. Running];
        }

        return all.Any(child => child.Popen is { HasExited: false });
    }

    /// <summary>Forgets the children that have exited and returns those still running.</summary>
    public static IReadOnlyList<Process> Reap()
    {
        Process[] all;
        lock (Running)
        {
            all = [.. Running];
        }

        var alive = new List<Process>(all.Length);
        foreach (var child in all)
        {
            if (child.Popen?.Poll() is null)
            {
                alive.Add(child);
            }
            else
            {
                Remove(child);
            }
        }

        return alive;
    }

    /// <summary>
    /// Python's rule at a normal exit: terminate the daemon children, then wait for all of them.
    /// (After an abnormal exit the children notice their lifeline break and exit by themselves.)
    /// </summary>
    private static void OnExit()
    {
        var alive = Reap();
        foreach (var child in alive.Where(c => c.Daemon))
        {
            child.Popen?.Terminate();
        }

        foreach (var child in alive)
        {
            child.Popen?.Wait(Timeout.InfiniteTimeSpan);
        }

        RuntimeFiles.Sweep(); // The files of children killed earlier and never waited for.
    }
}
