namespace Helpers.Multiprocessing;

/// <summary>Python's <c>multiprocessing.connection.wait</c>: waiting on several connections and processes at once.</summary>
public sealed partial class Connection
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Python's <c>multiprocessing.connection.wait(object_list, timeout=None)</c>: waits until at
    /// least one of <paramref name="objects"/> is ready, at most <paramref name="timeout"/> seconds
    /// (forever if null), and returns the ready ones, in the order given; none if the timeout passed.
    /// </summary>
    /// <param name="objects">
    /// Any mix of: a <see cref="Connection"/> that can receive (ready when a message is waiting, or when
    /// the other end is closed, as in Python); a started <see cref="Process"/> (ready when it has ended:
    /// Python passes <c>p.sentinel</c>); a <see cref="Task"/> such as <see cref="Process.Sentinel"/> (ready when complete).
    /// </param>
    /// <param name="timeout">Seconds to wait; null waits as long as it takes, 0 or less only looks.</param>
    /// <exception cref="ArgumentException">An object of another kind, a sending-only end, or a process not started.</exception>
    public static IReadOnlyList<object> Wait(IEnumerable<object> objects, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var all = objects.ToList();
        var wait = Deadline.ToTimeSpan(timeout);
        var sentinels = all.Select(Sentinel).ToList(); // Checks every object before waiting.
        var ready = Ready(all);
        if (ready.Count > 0 || wait == TimeSpan.Zero)
        {
            return ready;
        }

        using var stop = new CancellationTokenSource();
        List<(Connection Connection, Task Task)> pollers;
        using (ExecutionContext.SuppressFlow()) // The pollers wait for this call; only it looks at interrupts.
        {
            pollers = [.. all.OfType<Connection>().Select(c => (c, c.PollUntilAsync(stop.Token)))];
        }

        var signals = all.Select((o, i) => o is Connection c ? pollers.First(p => p.Connection == c).Task : sentinels[i]!).ToArray();
        try
        {
            _ = InterruptScope.Wait(t => Task.WaitAny(signals, t) >= 0, wait, $"one of {all.Count} connections, processes or tasks (Connection.Wait)");
        }
        finally
        {
            stop.Cancel();

            // No poller may still be inside a wait on a connection's semaphore once the caller can dispose it.
            _ = Task.WaitAll([.. pollers.Select(p => p.Task)], PollSlice * 4);
        }

        return Ready(all);
    }

    private static Task? Sentinel(object item) => item switch
    {
        Connection { Readable: true } => null,
        Connection => throw new ArgumentException("Wait needs connections that can receive; this end only sends (Pipe(duplex: false) gives the receiving end first).", nameof(item)),
        Process p => p.Pid is not null ? p.Sentinel : throw new ArgumentException($"{p.Name} has not been started: start it before waiting for it.", nameof(item)),
        Task t => t,
        null => throw new ArgumentNullException(nameof(item), "Wait got a null instead of a connection, process or task."),
        _ => throw new ArgumentException($"Wait takes connections, processes and tasks, not a {item.GetType().Name}.", nameof(item)),
    };

    private static List<object> Ready(List<object> all) => [.. all.Where(o => o switch
    {
        Connection c => c.Poll(0),
        Process p => !p.IsAlive,
        Task t => t.IsCompleted,
        _ => false,
    })];

    // A ring has no OS handle to wait on together with others: a worker thread waits on this one,
    // in slices, until data comes or the wait is over.
    private Task PollUntilAsync(CancellationToken stop) => Task.Factory.StartNew(
        () =>
        {
            while (!stop.IsCancellationRequested && !Poll(PollSlice.TotalSeconds))
            {
            }
        },
        stop,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
