namespace Helpers.Multiprocessing;

/// <summary>
/// What waits in the parent for a submitted task's results (CPython's <c>ApplyResult</c>,
/// <c>MapResult</c> and <c>IMapIterator</c>): the pool's result thread delivers each chunk's
/// result bytes here, or fails the job.
/// </summary>
internal abstract class Job(Type returnType)
{
    public Type ReturnType { get; } = returnType;

    public abstract void Deliver(int chunk, byte[] result);

    public abstract void Fail(Exception error);

    protected void Deliver<TResult>(int chunk, byte[] result, Action<int, TResult[]> complete)
    {
        var (values, error) = PoolMessages.DecodeResult<TResult>(result, ReturnType);
        if (error is not null)
        {
            Fail(RemoteException.Rebuild(error.Type, error.Message, error.Trace));
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

    public override void Deliver(int chunk, byte[] result) => Deliver<TResult>(chunk, result, (_, values) => Result.Complete(values[0]));

    public override void Fail(Exception error) => Result.Fail(error);
}

internal sealed class MapJob<TResult>(Type returnType, int chunks, AsyncResult<List<TResult>> result) : Job(returnType)
{
    private readonly TResult[]?[] done = new TResult[chunks][];
    private readonly List<int> arrivals = [];
    private int remaining = chunks;
    private Exception? error;

    public AsyncResult<List<TResult>> Result { get; } = result;

    public override void Deliver(int chunk, byte[] result) => Deliver<TResult>(chunk, result, Complete);

    private void Complete(int chunk, TResult[] values)
    {
        bool finished;
        lock (done)
        {
            done[chunk] = values;
            arrivals.Add(chunk);
            finished = --remaining == 0 && error is null;
            Monitor.PulseAll(done);
        }

        if (finished)
        {
            Result.Complete([.. done.SelectMany(c => c!)]);
        }
    }

    public override void Fail(Exception error)
    {
        lock (done)
        {
            if (this.error is not null)
            {
                return;
            }

            this.error = error;
            Monitor.PulseAll(done);
        }

        Result.Fail(error);
    }

    public IEnumerable<TResult> InOrder()
    {
        for (var chunk = 0; chunk < done.Length; chunk++)
        {
            foreach (var value in WaitFor(() => done[chunk]))
            {
                yield return value;
            }
        }
    }

    public IEnumerable<TResult> AsDone()
    {
        for (var i = 0; i < done.Length; i++)
        {
            var index = i;
            foreach (var value in WaitFor(() => arrivals.Count > index ? done[arrivals[index]] : null))
            {
                yield return value;
            }
        }
    }

    private TResult[] WaitFor(Func<TResult[]?> ready)
    {
        while (true)
        {
            Exception? failed;
            lock (done)
            {
                if (ready() is { } values)
                {
                    return values;
                }

                failed = error;
                if (failed is null)
                {
                    _ = Monitor.Wait(done, InterruptScope.NextSlice(Timeout.InfiniteTimeSpan));
                }
            }

            // Outside the lock: stopping the pool fails this job, which takes it. An interrupt that
            // failed the job (by terminating its pool) is what ended the wait.
            InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner);
            if (failed is not null)
            {
                throw failed;
            }
        }
    }
}
