using System.Reflection;

namespace Helpers.Multiprocessing;

// The way of a task (CPython's Pool._map_async, _get_tasks and the result handler's bookkeeping):
// the calls bound and cut into chunks, each chunk encoded and numbered, pending until its back end
// hands back its result or its loss, then settled in its job exactly once.
public abstract partial class WorkerPool
{
    private readonly Dictionary<(MethodInfo, object?), PoolFunction> functions = [];
    private readonly Dictionary<long, (Job Job, int Chunk)> pending = [];
    private static int pools;

    // Task numbers of different pools of this process never meet (a timeline tells tasks apart by them): the pool's number above 32 bits.
    private long nextTaskId = (long)Interlocked.Increment(ref pools) << 32;

    /// <summary>
    /// For a back end: hands a chunk's result message (<see cref="PoolMessages.EncodeResult"/> or
    /// <see cref="PoolMessages.EncodeError"/>) to its job, unless the chunk is settled already (failed
    /// as lost, or the pool terminated). A callback's exception is reported, not raised: it must not
    /// stop the back end's thread that delivers results (CPython reports and goes on too).
    /// </summary>
    /// <param name="task">The chunk's task number.</param>
    /// <param name="result">The result message.</param>
    private protected void Complete(long task, byte[] result)
    {
        if (Take(task) is (var job, var chunk))
        {
            Deliver(job, chunk, result);
        }
    }

    /// <summary>
    /// For a back end whose callers read their own results (<see cref="WaitForResult"/>):
    /// <see cref="Complete"/>, on whatever thread read the result, unless a callback waits for it:
    /// callbacks run on the back end's own thread, as CPython runs them on its result handler. Then
    /// the chunk stays pending for that thread's <see cref="Complete"/>.
    /// </summary>
    /// <param name="task">The chunk's task number.</param>
    /// <param name="result">The result message.</param>
    /// <returns>False if a callback waits for the chunk; true once it is settled (or was already).</returns>
    private protected bool CompleteUnlessCallback(long task, byte[] result)
    {
        (Job Job, int Chunk) entry;
        lock (gate)
        {
            if (!pending.TryGetValue(task, out entry))
            {
                return true;
            }

            if (entry.Job.HasCallbacks)
            {
                return false;
            }

            pending.Remove(task);
            Monitor.PulseAll(gate);
        }

        Deliver(entry.Job, entry.Chunk, result);
        return true;
    }

    private void Deliver(Job job, int chunk, byte[] result)
    {
        try
        {
            job.Deliver(chunk, result); // An unreadable result fails its chunk there.
        }
#pragma warning disable CA1031 // A user's callback must not kill the back end's thread; CPython reports and goes on too.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"{GetType().Name}: a callback raised {e}");
        }
    }

    /// <summary>For a back end: fails a chunk that will not be answered (its worker died), unless it is settled already.</summary>
    /// <param name="task">The chunk's task number.</param>
    /// <param name="error">Why.</param>
    /// <returns>Whether the chunk was still pending.</returns>
    private protected bool Fail(long task, Exception error)
    {
        if (Take(task) is not (var job, var chunk))
        {
            return false;
        }

        job.Fail(chunk, error);
        return true;
    }

    /// <summary>For a back end: fails every pending chunk (no worker can be reached).</summary>
    /// <param name="error">Why.</param>
    private protected void FailAll(Exception error)
    {
        List<long> all;
        lock (gate)
        {
            all = [.. pending.Keys];
        }

        foreach (var task in all)
        {
            _ = Fail(task, error);
        }
    }

    /// <summary>Whether any chunk is still pending.</summary>
    private protected bool HasPending
    {
        get
        {
            lock (gate)
            {
                return pending.Count > 0;
            }
        }
    }

    /// <summary>
    /// How a caller waits for a result, at most <paramref name="timeout"/>; whether it is ready. By
    /// default on the result's event; a back end whose results come through a queue of this process
    /// may let the waiting caller read them itself (<see cref="Pool"/>).
    /// </summary>
    /// <param name="done">The result's event, set once it is settled.</param>
    /// <param name="timeout">At most this long (infinite: <see cref="Timeout.InfiniteTimeSpan"/>).</param>
    private protected virtual bool WaitForResult(ManualResetEventSlim done, TimeSpan timeout) => done.Wait(timeout);

    /// <summary>
    /// Someone waits for results other than in <see cref="WaitForResult"/>: a callback, <see cref="Join"/>,
    /// an <c>Imap</c> iterator. A back end whose callers read their own results reads for them now.
    /// </summary>
    private protected virtual void ResultsAwaited()
    {
    }

    private (Job Job, int Chunk)? Take(long task)
    {
        lock (gate)
        {
            if (!pending.Remove(task, out var entry))
            {
                return null;
            }

            Monitor.PulseAll(gate);
            return entry;
        }
    }

    private AsyncResult<TResult> Submit<TResult>(Delegate func, object?[] args, Action<TResult>? callback, Action<Exception>? errorCallback)
    {
        var function = FunctionOf(func);
        var bound = function.Target.Bind(args, NoKwargs);
        var job = new ApplyJob<TResult>(function.Target.Method.ReturnType, new AsyncResult<TResult>(callback, errorCallback, TerminateOnInterrupt, WaitForResult));
        Send(function, [(1, PoolMessages.Columns(function.Target.ParameterTypes, [bound]))], job);
        return job.Result;
    }

    // Items of one parameter go as they are, a T[] per chunk: no boxing, one serializer call a chunk.
    private MapJob<TResult> SubmitMap<T, TResult>(Delegate func, IEnumerable<T> items, int? chunksize, Action<List<TResult>>? callback, Action<Exception>? errorCallback)
    {
        ArgumentNullException.ThrowIfNull(items);
        var function = FunctionOf(func);
        var all = items as IReadOnlyList<T> ?? [.. items];
        var chunks = all.Chunk(ChunkSize(all.Count, chunksize)).Select(c => (c.Length, new Array[] { c })).ToList();
        return SendMap(function, chunks, callback, errorCallback);
    }

    private MapJob<TResult> SubmitStarmap<TResult>(Delegate func, IEnumerable<object?[]> calls, int? chunksize)
    {
        var function = FunctionOf(func);
        var all = calls.Select(c => function.Target.Bind(c, NoKwargs)).ToList();
        var chunks = all.Chunk(ChunkSize(all.Count, chunksize)).Select(c => (c.Length, PoolMessages.Columns(function.Target.ParameterTypes, c))).ToList();
        return SendMap<TResult>(function, chunks, null, null);
    }

    private MapJob<TResult> SendMap<TResult>(PoolFunction function, List<(int, Array[])> chunks, Action<List<TResult>>? callback, Action<Exception>? errorCallback)
    {
        var job = new MapJob<TResult>(function.Target.Method.ReturnType, chunks.Count, new AsyncResult<List<TResult>>(callback, errorCallback, TerminateOnInterrupt, WaitForResult), ResultsAwaited);
        if (chunks.Count == 0)
        {
            job.Result.Complete([]);
        }
        else
        {
            Send(function, chunks, job);
        }

        return job;
    }

    // CPython's default: chunksize, extra = divmod(len(iterable), len(self._pool) * 4), plus one if
    // extra: about four chunks per worker.
    private int ChunkSize(int items, int? chunksize) => chunksize switch
    {
        < 1 => throw new ArgumentOutOfRangeException(nameof(chunksize), chunksize, "A chunk holds at least one item."),
        { } size => size,
        null => Math.Max(1, (items + (Processes * 4) - 1) / (Processes * 4)),
    };

    private PoolFunction FunctionOf(Delegate func)
    {
        ArgumentNullException.ThrowIfNull(func);
        lock (gate)
        {
            if (state == PoolState.Running)
            {
                if (!functions.TryGetValue((func.Method, func.Target), out var function))
                {
                    function = Prepare(Target.FromDelegate(func));
                    functions[(func.Method, func.Target)] = function;
                }

                return function;
            }
        }

        throw NotRunning();
    }

    // Every chunk is encoded before any is sent: an argument that cannot cross fails the call here,
    // and nothing of it is left pending.
    private void Send(PoolFunction function, List<(int Count, Array[] Columns)> chunks, Job job)
    {
        var first = Register(job, chunks.Count) ?? throw NotRunning();
        var target = function.Target;
        var messages = new byte[chunks.Count][];
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                messages[i] = PoolMessages.EncodeTask(first + i, function.Id, target.ParameterTypes, chunks[i].Count, chunks[i].Columns);
            }
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            lock (gate)
            {
                for (var i = 0; i < chunks.Count; i++)
                {
                    pending.Remove(first + i);
                }
            }

            throw new ArgumentException($"An argument of {target.DisplayName}() cannot be sent to {workerName}: {e.Message}", e);
        }

        if (Tracing.Recorder.Current is { } recorder)
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                recorder.Record(Tracing.EventKind.Task, Tracing.EventPhase.Instant, target.DisplayName, first + i, arg: Tracing.TimelineReader.TaskSubmitted);
            }
        }

        Enqueue(function, first, messages);
        if (job.HasCallbacks)
        {
            ResultsAwaited();
        }
    }

    // Numbers the chunks and makes them pending; null if the pool no longer takes tasks.
    private long? Register(Job job, int chunks)
    {
        lock (gate)
        {
            if (state != PoolState.Running)
            {
                return null;
            }

            var first = nextTaskId + 1;
            nextTaskId += chunks;
            for (var i = 0; i < chunks; i++)
            {
                pending[first + i] = (job, i);
            }

            return first;
        }
    }

    // Outside the gate: an interrupt's Terminate takes it.
    private InvalidOperationException NotRunning()
    {
        // An interrupt that terminated the pool while this call handed out its tasks is what ended it.
        InterruptScope.ThrowIfInterrupted("the pool to take the tasks (Map, Apply, …)", TerminateOnInterrupt);
        return new InvalidOperationException(state == PoolState.Closed
            ? "The pool is closed: it takes no more tasks (Python: 'Pool not running')."
            : "The pool has been terminated (or its using scope has ended): it takes no more tasks.");
    }
}
