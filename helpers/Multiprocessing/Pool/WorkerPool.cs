namespace Helpers.Multiprocessing;

/// <summary>
/// Python's <c>multiprocessing.Pool</c> API, whatever runs the tasks: <see cref="Pool"/> runs them in
/// worker processes on this machine, <c>Helpers.Cluster.ClusterPool</c> in grains on an Orleans
/// cluster (as <c>concurrent.futures.Executor</c> is one shape over threads and processes, and Ray's
/// <c>ray.util.multiprocessing.Pool</c> is this one over a cluster). Code written against a
/// <see cref="WorkerPool"/> runs on either.
/// </summary>
/// <remarks>
/// <para>The pool's semantics live here, once: the overloads and their argument checks; items sent in
/// chunks (CPython's default size: about four chunks per worker); every argument encoded in the
/// caller before anything is sent, so that one that cannot cross fails the call there; the results
/// (<see cref="AsyncResult{T}"/>, <c>Imap</c>'s order); a task's exception raised again with its type
/// and message, the worker's trace inside as a <see cref="RemoteException"/>; and the pool's state
/// (running, closed, terminated), with <see cref="Close"/>, <see cref="Join"/> and <see cref="Terminate"/>.</para>
/// <para>A back end does only what differs: it takes a function once (<see cref="Prepare"/>), carries
/// encoded chunks to its workers (<see cref="Enqueue"/>), hands back each chunk's result message or
/// loss (<see cref="Complete"/>, <see cref="Fail"/>), and stops its workers (<see cref="StopWorkers"/>).
/// The workers run chunks with <see cref="ChunkRunner.Answer"/>.</para>
/// </remarks>
public abstract partial class WorkerPool : IDisposable
{
    /// <summary>No keyword arguments: pools pass arguments by position.</summary>
    private protected static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>();

    private readonly object gate = new(); // Monitor: Join waits on it; every chunk settled pulses it.
    private readonly string workerName;
    private volatile PoolState state = PoolState.Running;

    /// <summary>Checks the worker count; a back end then starts its workers.</summary>
    /// <param name="processes">How many workers; at least 1.</param>
    /// <param name="workerName">What a worker is, for messages ("a pool worker", "a silo").</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processes"/> is less than 1.</exception>
    private protected WorkerPool(int processes, string workerName)
    {
        if (processes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(processes), processes, "A pool needs at least one process (Python: 'Number of processes must be at least 1').");
        }

        Processes = processes;
        this.workerName = workerName;
    }

    private enum PoolState
    {
        Running,
        Closed,
        Terminated,
    }

    /// <summary>How many workers the pool keeps.</summary>
    public int Processes { get; }

    /// <summary>The lock that guards the pool's state, its pending chunks and whatever of its back end's the back end keeps under it.</summary>
    private protected object Gate => gate;

    /// <summary>Python's <c>close()</c>: no more tasks; the workers finish the ones sent and then exit.</summary>
    public void Close()
    {
        lock (gate)
        {
            if (state == PoolState.Running)
            {
                state = PoolState.Closed;
            }
        }
    }

    /// <summary>
    /// Python's <c>join()</c>: after <see cref="Close"/>, waits until every task is done and the workers
    /// have exited (after <see cref="Terminate"/>, until they are gone).
    /// </summary>
    /// <param name="timeout">At most this many seconds; null: as long as it takes.</param>
    /// <returns>False if <paramref name="timeout"/> seconds passed first.</returns>
    /// <exception cref="InvalidOperationException">The pool is still running: call Close() or Terminate() first.</exception>
    public bool Join(double? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        lock (gate)
        {
            if (state == PoolState.Running)
            {
                throw new InvalidOperationException("Join() needs a closed pool: call Close() (or Terminate()) first, as in Python.");
            }
        }

        ResultsAwaited();

        while (true)
        {
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    break;
                }

                if (deadline.HasPassed)
                {
                    return false;
                }

                Monitor.Wait(gate, deadline.RemainingAtMost(InterruptScope.NextSlice(TimeSpan.FromSeconds(1))));
            }

            // Outside the lock, which terminating takes.
            InterruptScope.ThrowIfInterrupted("the pool's tasks to finish (Join)", TerminateOnInterrupt);
        }

        StopWorkers(kill: false);
        return true;
    }

    /// <summary>
    /// Python's <c>terminate()</c>: stops the workers at once; tasks not done fail with an
    /// <see cref="InvalidOperationException"/>. Returns promptly however many tasks are pending.
    /// </summary>
    public void Terminate()
    {
        List<(Job Job, int Chunk)> orphans;
        lock (gate)
        {
            if (state == PoolState.Terminated)
            {
                return;
            }

            state = PoolState.Terminated;
            orphans = [.. pending.Values];
            pending.Clear();
            Monitor.PulseAll(gate);
        }

        StopWorkers(kill: true);
        foreach (var job in orphans.GroupBy(o => o.Job))
        {
            var error = new InvalidOperationException("The pool was terminated (or its using scope ended) before this task finished.");
            foreach (var (_, chunk) in job)
            {
                job.Key.Fail(chunk, error);
            }
        }
    }

    /// <summary>Terminates the pool for an interrupt (<see cref="InterruptScope"/>); says so, or null if it was terminated already.</summary>
    internal string? TerminateOnInterrupt()
    {
        if (state == PoolState.Terminated)
        {
            return null;
        }

        Terminate();
        return $"{GetType().Name}(processes={Processes}) terminated";
    }

    /// <summary>Leaving a <c>using</c> scope terminates the pool, as Python's <c>with</c> does.</summary>
    public void Dispose()
    {
        Terminate();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (gate)
        {
            return $"<{GetType().Name}(processes={Processes}{Details}, state={state}, pending={pending.Count})>";
        }
    }

    /// <summary>What a back end adds to <see cref="ToString"/>, after the worker count (", silos=2").</summary>
    private protected virtual string Details => string.Empty;

    /// <summary>
    /// Whether the pool still needs workers: it is running, or closed with tasks still to run. A back
    /// end that replaces workers that died asks this before starting one.
    /// </summary>
    private protected bool WorkersNeeded
    {
        get
        {
            lock (gate)
            {
                return state == PoolState.Running || (state == PoolState.Closed && pending.Count > 0);
            }
        }
    }

    /// <summary>Takes a function once, when the pool first meets it (under <see cref="Gate"/>): what its tasks name it by.</summary>
    /// <param name="target">The function.</param>
    private protected abstract PoolFunction Prepare(Target target);

    /// <summary>Carries encoded chunks to the workers; the chunks are pending already, numbered from <paramref name="first"/>.</summary>
    /// <param name="function">The function they call.</param>
    /// <param name="first">The first chunk's task number (the others follow it).</param>
    /// <param name="tasks">The task messages (<see cref="PoolMessages.EncodeTask"/>), in that order.</param>
    private protected abstract void Enqueue(PoolFunction function, long first, byte[][] tasks);

    /// <summary>
    /// Stops the workers: at once when <paramref name="kill"/> (<see cref="Terminate"/>; the pending
    /// chunks have been taken, and are failed after this returns), or once they are idle (<see cref="Join"/>,
    /// which has waited for every chunk).
    /// </summary>
    /// <param name="kill">Whether to stop them at once.</param>
    private protected abstract void StopWorkers(bool kill);
}
