namespace Helpers.Multiprocessing;

/// <summary>A function as a pool sends it: the method, and the number its tasks name it by.</summary>
/// <param name="target">The method.</param>
/// <param name="id">Its number in the pool's tasks (<see cref="PoolMessages.EncodeTask"/>).</param>
/// <remarks>A back end that needs more of a function (a cluster: its code) keeps it in a subclass.</remarks>
internal class PoolFunction(Target target, int id)
{
    public Target Target { get; } = target;

    public int Id { get; } = id;
}

/// <summary>
/// What waits in the caller for a submitted task's results (CPython's <c>ApplyResult</c>,
/// <c>MapResult</c> and <c>IMapIterator</c>): the pool delivers each chunk's result message here, or
/// fails the chunk. Every chunk is settled once, by the pool (<see cref="WorkerPool"/>).
/// </summary>
internal abstract class Job(Type returnType)
{
    public Type ReturnType { get; } = returnType;

    /// <summary>Whether a callback of the caller's waits for it: then its chunks are settled on the pool's own thread.</summary>
    public abstract bool HasCallbacks { get; }

    public abstract void Deliver(int chunk, byte[] result);

    public abstract void Fail(int chunk, Exception error);

    // Decodes a chunk's result message, then completes the chunk (which may run the caller's
    // callback) or fails it: only the decoding's own errors count as an unreadable result.
    protected void Deliver<TResult>(int chunk, byte[] result, Action<int, TResult[]> complete)
    {
        TResult[]? values;
        PoolError? error;
        try
        {
            (values, error) = PoolMessages.DecodeResult<TResult>(result, ReturnType);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or InvalidCastException)
        {
            Fail(chunk, new InvalidOperationException($"The task's result could not be read in the parent: {e.Message}", e));
            return;
        }

        if (error is not null)
        {
            Fail(chunk, RemoteException.Rebuild(error.Type, error.Message, error.Trace));
        }
        else
        {
            complete(chunk, values!);
        }
    }
}

internal sealed class ApplyJob<TResult>(Type returnType, AsyncResult<TResult> result) : Job(returnType)
{
    public AsyncResult<TResult> Result { get; } = result;

    public override bool HasCallbacks => Result.HasCallbacks;

    public override void Deliver(int chunk, byte[] result) => Deliver<TResult>(chunk, result, (_, values) => Result.Complete(values[0]));

    public override void Fail(int chunk, Exception error) => Result.Fail(error);
}

/// <summary>
/// The results of a map: chunks arrive in any order, each with its values or its error. The
/// <see cref="AsyncResult{T}"/> is settled once, by the first error or by the last chunk; the
/// iterators (<see cref="InOrder"/>, <see cref="AsDone"/>) raise a chunk's error where that chunk
/// stands, as CPython's <c>IMapIterator</c> does.
/// </summary>
/// <param name="returnType">The function's return type.</param>
/// <param name="chunks">How many chunks the items were cut into.</param>
/// <param name="result">Settled once, by the first error or by the last chunk.</param>
/// <param name="awaited">Called when an iterator waits: the pool then reads for it (<see cref="WorkerPool"/>'s <c>ResultsAwaited</c>).</param>
internal sealed class MapJob<TResult>(Type returnType, int chunks, AsyncResult<List<TResult>> result, Action awaited) : Job(returnType)
{
    private readonly TResult[]?[] values = new TResult[chunks][];
    private readonly Exception?[] errors = new Exception?[chunks];
    private readonly List<int> arrivals = []; // The chunks in the order they arrived.
    private readonly object gate = new(); // Monitor: the iterators wait and are pulsed on it.
    private int remaining = chunks;
    private bool settled;

    public AsyncResult<List<TResult>> Result { get; } = result;

    public override bool HasCallbacks => Result.HasCallbacks;

    public override void Deliver(int chunk, byte[] result) => Deliver<TResult>(chunk, result, (c, done) => Arrive(c, done, null));

    public override void Fail(int chunk, Exception error) => Arrive(chunk, null, error);

    /// <summary>Python's <c>imap</c>: the values in the items' order, each chunk as soon as it and those before it are in.</summary>
    public IEnumerable<TResult> InOrder()
    {
        for (var chunk = 0; chunk < values.Length; chunk++)
        {
            var next = chunk;
            foreach (var value in ValuesOf(WaitFor(() => values[next] is not null || errors[next] is not null ? next : null)))
            {
                yield return value;
            }
        }
    }

    /// <summary>Python's <c>imap_unordered</c>: the values chunk by chunk, in the order the chunks arrived.</summary>
    public IEnumerable<TResult> AsDone()
    {
        for (var n = 0; n < values.Length; n++)
        {
            var next = n;
            foreach (var value in ValuesOf(WaitFor(() => arrivals.Count > next ? arrivals[next] : null)))
            {
                yield return value;
            }
        }
    }

    private void Arrive(int chunk, TResult[]? done, Exception? error)
    {
        bool settle;
        lock (gate)
        {
            if (values[chunk] is not null || errors[chunk] is not null)
            {
                return;
            }

            (values[chunk], errors[chunk]) = (done, error);
            arrivals.Add(chunk);
            remaining--;
            settle = !settled && (error is not null || remaining == 0);
            settled |= settle;
            Monitor.PulseAll(gate);
        }

        if (!settle)
        {
            return;
        }

        if (error is null)
        {
            Result.Complete([.. values.SelectMany(c => c!)]);
        }
        else
        {
            Result.Fail(error);
        }
    }

    // Waits until arrived() names a chunk that is in; in slices inside an interruptible scope.
    private int WaitFor(Func<int?> arrived)
    {
        awaited();
        while (true)
        {
            lock (gate)
            {
                if (arrived() is { } chunk)
                {
                    return chunk;
                }

                _ = Monitor.Wait(gate, InterruptScope.NextSlice(Timeout.InfiniteTimeSpan));
            }

            // Outside the lock: stopping the pool fails this job, which takes it.
            InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner);
        }
    }

    private TResult[] ValuesOf(int chunk)
    {
        Exception? error;
        lock (gate)
        {
            error = errors[chunk];
        }

        if (error is not null)
        {
            // An interrupt that failed the job (by terminating its pool) is what ended the wait.
            InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner);
            throw error;
        }

        return values[chunk]!;
    }
}
