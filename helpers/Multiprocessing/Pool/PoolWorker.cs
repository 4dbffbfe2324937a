namespace Helpers.Multiprocessing;

/// <summary>How an initializer is called in each new worker.</summary>
internal sealed record PoolInitializer(MethodRef Function, object?[] Args);

/// <summary>The loop a <see cref="Pool"/> worker process runs (CPython's <c>pool.worker</c>).</summary>
internal static class PoolWorker
{
    /// <summary>
    /// Runs the initializer, then tasks until it gets the stop signal (no bytes) or has done
    /// <paramref name="maxTasks"/> (null: no limit). It writes a task's number into its slot of
    /// <paramref name="busy"/> while the task is still in the queue (under the queue's read lock,
    /// before the message is marked read), so that whenever it dies, the parent knows the task to
    /// fail: the slot names it and it is no longer at the head of the queue (the parent checks), or
    /// it is still there and another worker runs it; never both.
    /// </summary>
    public static void Serve(Queue<byte[]> tasks, Queue<byte[]> results, Array<long> busy, SharedMemory functions, int slot, int? maxTasks, PoolInitializer? initializer)
    {
        if (initializer is not null)
        {
            _ = initializer.Function.Find().Invoke(initializer.Args);
        }

        var table = new FunctionTable(functions);
        for (var done = 0; maxTasks is null || done < maxTasks; done++)
        {
            _ = tasks.TryGet(out var bytes, block: true, timeout: null, claim: b => busy[slot] = b.Length > 0 ? PoolMessages.ReadId(b) : 0);
            if (bytes is not { Length: > 0 })
            {
                return;
            }

            Tracing.Recorder.Current?.Record(Tracing.EventKind.Task, Tracing.EventPhase.Instant, "claim", busy[slot], slot, Tracing.TimelineReader.TaskClaimed);

            results.Put(ChunkRunner.Answer(busy[slot], bytes, table.RunnerOf, "worker", e => e.ToString()));
            busy[slot] = 0;
        }
    }
}
