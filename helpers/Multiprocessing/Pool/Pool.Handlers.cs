namespace Helpers.Multiprocessing;

// The pool's workers (CPython's Pool._maintain_pool and _terminate_pool): starting them, replacing
// those that exited, and stopping them all. Who reads their results is in Pool.Results.cs.
public sealed partial class Pool
{
    private Process StartWorker(int slot)
    {
        var worker = new Process(PoolWorker.Serve, tasks, results, busy, functionMemory, slot, maxTasksPerChild, initializer)
        {
            Daemon = true,
            Name = $"SpawnPoolWorker-{Interlocked.Increment(ref workerCount)}",
        };
        worker.Start();
        return worker;
    }

    // How often the result thread looks for workers that have exited, when no result comes sooner.
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(0.1);

    // Shutting down: how long a worker may take to finish its tasks and exit, then to die once killed,
    // and how long the result thread may take to see the pool stop.
    private static readonly TimeSpan WorkerExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KilledWorkerTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HandlerExitTimeout = TimeSpan.FromSeconds(10);

    // Under the read turn: replaces the workers that died, and returns the tasks they were running,
    // to be failed as lost once the turn is given back and the results read meanwhile are settled
    // (a lost task's error callback is the user's code, which runs on no turn).
    private List<(long Task, string Why)> CheckWorkers()
    {
        // A worker that died just after sending its result: read the result first, so that its
        // task is not failed as lost (the worker's slot still names it until the result is sent).
        // Only the workers found dead before that drain are handled now: one that dies after it is
        // handled next time, after its result (if it sent one) has been drained in turn.
        List<int> dead;
        lock (Gate)
        {
            dead = [.. Enumerable.Range(0, workers.Length).Where(slot => workers[slot] is { IsAlive: false })];
        }

        DrainResults(dead.Count);
        var suspects = ReplaceDead(dead);

        // A live worker may have run that task and cleared its slot just before the look: it sends
        // its result before it clears the slot, so the result is in the queue now. Read it first.
        DrainResults(suspects.Count);
        return suspects;
    }

    // Reads the results waiting now, if there is any reason to look.
    private void DrainResults(int reasons)
    {
        while (reasons > 0 && results.TryGet(out var bytes, block: false, timeout: null))
        {
            Settle(bytes);
        }
    }

    // Clears the dead workers' slots and starts fresh workers in them while the pool needs workers;
    // returns the tasks they may have been running when they died.
    private List<(long Task, string Why)> ReplaceDead(List<int> dead)
    {
        List<(long Task, string Why)> suspects = [];
        lock (Gate)
        {
            var needed = WorkersNeeded && !stopping;
            foreach (var slot in dead)
            {
                if (workers[slot] is not { } worker)
                {
                    continue;
                }

                var task = busy[slot];
                busy[slot] = 0;

                // A worker that died after claiming a task but before marking it read left it in the
                // queue, and another worker runs it (or has claimed it already, naming it in its own
                // slot): neither is a loss. Both are looked at under the queue's read lock, where no
                // claim is half done.
                if (task != 0 && !tasks.UnderReadLock(head => (head is { Length: > 0 } && PoolMessages.ReadId(head) == task) || busy.Contains(task)))
                {
                    suspects.Add((task, $"Pool worker {worker.Name} (pid {worker.Pid}) died while running this task: {Describe(worker.ExitCode)}. " +
                        "The pool has replaced it; the other tasks go on."));
                }

                workers[slot] = needed ? StartWorker(slot) : null;
            }
        }

        return suspects;
    }

    private static string Describe(int? exitCode) => exitCode switch
    {
        < 0 and var signal => $"killed by signal {-signal}",
        { } code => $"exit code {code}",
        null => "no exit code",
    };

    private protected override void StopWorkers(bool kill)
    {
        Process[] live;
        lock (Gate)
        {
            live = [.. workers.OfType<Process>()];
            stopping = true;
        }

        EndReading(HandlerExitTimeout);

        foreach (var worker in live)
        {
            if (kill)
            {
                worker.Kill();
            }
            else
            {
                tasks.Put([]); // The stop signal: one per worker, after all the tasks.
            }
        }

        foreach (var worker in live)
        {
            worker.Join(WorkerExitTimeout);
            if (worker.IsAlive)
            {
                worker.Kill();
                worker.Join(KilledWorkerTimeout);
            }
        }

        // A callback that terminates its pool runs on the result thread, which cannot wait for itself (CPython skips that join too).
        if (Thread.CurrentThread != handler)
        {
            handler?.Join(HandlerExitTimeout);
        }

        lock (Gate)
        {
            Array.Clear(workers);
        }

        tasks.Dispose();
        DisposeResults();

        busy.Dispose();
        functionMemory.Dispose();
    }
}
