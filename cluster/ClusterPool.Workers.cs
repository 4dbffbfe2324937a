using Helpers.Multiprocessing;

namespace Helpers.Cluster;

// The pool's worker loops: one per slot, each taking a chunk at a time from the queue and running
// it on its grain, as a process of Pool takes a task; a call lost with its silo puts the chunk back.
public sealed partial class ClusterPool
{
    // A worker's loop: one chunk at a time, as a process of Pool.
    private async Task Serve(Slot slot)
    {
        try
        {
            await foreach (var chunk in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (!await RunChunk(slot, chunk).ConfigureAwait(false))
                {
                    // Its silo is gone or unreachable: find where the worker lives now before taking more.
                    while (!stop.IsCancellationRequested && !await Locate(slot, stop.Token).ConfigureAwait(false))
                    {
                        await Task.Delay(RetryDelay, stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Terminated.
        }
    }

    private static async Task<bool> Locate(Slot slot, CancellationToken cancel)
    {
        try
        {
            slot.Worker = await slot.Grain.Where().WaitAsync(LocateTimeout, cancel).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            slot.Worker = null;
            return false;
        }
    }

    // False when the call was lost with its silo: the chunk goes back in the queue, for a live worker.
    private async Task<bool> RunChunk(Slot slot, Chunk chunk)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var request = chunk.Request with { CallId = Interlocked.Increment(ref lastCallId) };
        (slot.CallId, slot.Unanswered) = (request.CallId, 0);
        slot.InFlight = call;

        // On a timeline, a call is drawn on the row of the silo that answered it (or was last seen to hold the worker).
        // A call's name is its function's (a name is stored once per process), "sent again" for a retry.
        var recorder = Tracing.Recorder.Current;
        var (traceId, what) = recorder is null ? (0L, "") : (Tracing.Recorder.NewId(), chunk.Attempts > 0 ? $"{chunk.Function.Target.DisplayName}, sent again" : chunk.Function.Target.DisplayName);
        recorder?.Record(Tracing.EventKind.Call, Tracing.EventPhase.Begin, what, traceId, slot.Worker?.Pid ?? 0, (short)slot.Index);
        try
        {
            var reply = await slot.Grain.Run(request).WaitAsync(call.Token).ConfigureAwait(false);
            if (reply.NeedCode)
            {
                await slot.Grain.Install(chunk.Function.Code).WaitAsync(call.Token).ConfigureAwait(false);
                Interlocked.Increment(ref codeShipments);
                reply = await slot.Grain.Run(request).WaitAsync(call.Token).ConfigureAwait(false);
            }

            var result = reply.Result ?? throw new InvalidOperationException("The silo still lacked the function's code after it was sent.");
            slot.Worker = reply.Worker;
            recorder?.Record(Tracing.EventKind.Call, Tracing.EventPhase.End, what, traceId, reply.Worker.Pid, Tracing.TimelineReader.CallAnswered);
            Complete(chunk.Id, result);
            return true;
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // Not the function's exception (that comes back in the reply): the silo died, or the
            // watchdog saw it leave the cluster and cancelled the call.
            recorder?.Record(Tracing.EventKind.Call, Tracing.EventPhase.End, what, traceId, 0, Tracing.TimelineReader.CallLost);
            slot.Worker = null;
            if (++chunk.Attempts >= MaxAttempts)
            {
                _ = Fail(chunk.Id, new WorkerLostException(
                    $"A chunk of {chunk.Function.Target.DisplayName}() was lost with its silo {MaxAttempts} times (last: {e.GetType().Name}: {e.Message}); " +
                    "a function that ends its own process cannot run on a cluster.", e));
            }
            else
            {
                Interlocked.Increment(ref retries);
                queue.Writer.TryWrite(chunk);
            }

            return false;
        }
        finally
        {
            (slot.InFlight, slot.CallId) = (null, 0);
        }
    }

    private sealed class Slot(int index, IPoolWorkerGrain grain)
    {
        private volatile WorkerInfo? worker;
        private volatile CancellationTokenSource? inFlight;
        private long callId;
        private int unanswered;

        public int Index { get; } = index;

        public IPoolWorkerGrain Grain { get; } = grain;

        public WorkerInfo? Worker { get => worker; set => worker = value; }

        public CancellationTokenSource? InFlight { get => inFlight; set => inFlight = value; }

        /// <summary>The call in flight (<see cref="ChunkRequest.CallId"/>).</summary>
        public long CallId { get => Volatile.Read(ref callId); set => Volatile.Write(ref callId, value); }

        /// <summary>How many times in a row its worker did not know the call in flight.</summary>
        public int Unanswered { get => Volatile.Read(ref unanswered); set => Volatile.Write(ref unanswered, value); }
    }
}
