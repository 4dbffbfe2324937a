using System.Collections.Concurrent;
using System.Diagnostics;

namespace Helpers.Multiprocessing;

// Who reads the results queue. CPython's result handler thread reads every result, then wakes the
// caller that waits for it: three wake-ups a task (the worker, the handler, the caller). Here a
// caller waiting in Get reads the queue itself while the result thread stands aside, so a result
// wakes the thread that wants it: two wake-ups (with one caller; callers waiting for the turn are
// woken each time it is given back). One reader holds the read turn at a time: a waiting caller,
// or the result thread, which reads whenever no caller waits (results nobody waits for yet, Join,
// Imap) and takes the turn back every CheckPeriod to look at its workers.
//
// Whoever reads settles a result at once unless a callback waits for it: those are handed to the
// result thread, which runs them (as CPython does) after it has given the turn back, so that no
// user code ever runs while the queue is held. Unlike CPython, a result without a callback can be
// ready before an earlier result's callback has run.
public sealed partial class Pool
{
    private readonly object readGate = new(); // Monitor: the read turn; whoever waits for it is pulsed when it is given back.
    private readonly ConcurrentQueue<byte[]> forHandler = new(); // Results read with a callback waiting: the result thread settles them.
    private readonly ManualResetEventSlim handlerWake = new(false); // Wakes the result thread while it stands aside.
    private bool reading; // Under readGate: someone holds the read turn.
    private bool handlerReads; // Under readGate: the result thread holds it (and may sleep in the queue: nudge it out).
    private bool resultsGone; // Under readGate: the results queue is disposed; nobody nudges or reads it.
    private volatile bool handlerWantsTurn; // The result thread waits for the turn, to look at its workers.
    private int callersWaiting; // Interlocked: callers in WaitForResult.

    // The result thread (CPython's result handler and worker handler in one).
    private void HandleResults()
    {
        var lastCheck = Stopwatch.GetTimestamp();
        while (!stopping)
        {
            RunHandedOver();
            var untilCheck = CheckPeriod - Stopwatch.GetElapsedTime(lastCheck);
            if (untilCheck > TimeSpan.Zero && Volatile.Read(ref callersWaiting) > 0)
            {
                // A caller reads: stand aside until it hands over a result with a callback, the
                // callers leave with results still pending, or the workers are due for a look.
                _ = handlerWake.Wait(untilCheck);
                handlerWake.Reset(); // Whatever set it is looked at again next.
                continue;
            }

            if (!TakeTurn(byHandler: true, Deadline.Never, done: null))
            {
                break; // Stopping.
            }

            List<(long Task, string Why)> lost = [];
            try
            {
                // Rings are read by their message count in shared memory, so a worker killed between
                // writing its result and waking this thread leaves nothing unread.
                if (untilCheck > TimeSpan.Zero &&
                    results.TryGet(out var bytes, block: true, timeout: untilCheck.TotalSeconds, giveUp: () => Volatile.Read(ref callersWaiting) > 0 || stopping))
                {
                    Settle(bytes);
                }

                if (Stopwatch.GetElapsedTime(lastCheck) >= CheckPeriod)
                {
                    lastCheck = Stopwatch.GetTimestamp();
                    lost = CheckWorkers();
                }
            }
            finally
            {
                GiveBackTurn();
            }

            // Off the turn: callbacks, then the lost tasks (their results, if any were read, are settled by now).
            RunHandedOver();
            foreach (var (task, why) in lost)
            {
                _ = Fail(task, new WorkerLostException(why));
            }
        }
    }

    // By the reader holding the turn: settles a result at once, or hands it to the result thread
    // if a callback waits for it.
    private void Settle(byte[] bytes)
    {
        if (!CompleteUnlessCallback(PoolMessages.ReadId(bytes), bytes))
        {
            forHandler.Enqueue(bytes);
            handlerWake.Set();
        }
    }

    // On the result thread, not holding the turn: the callbacks.
    private void RunHandedOver()
    {
        while (forHandler.TryDequeue(out var bytes))
        {
            Complete(PoolMessages.ReadId(bytes), bytes);
        }
    }

    /// <summary>
    /// A caller waiting for its result reads the results queue itself, one message at a time while it
    /// holds the read turn, until its own is settled: a result then wakes the thread that waits for it
    /// (two wake-ups a task, not three). Results of other jobs are settled on the way, or handed to
    /// the result thread if a callback waits for them. A callback on the result thread that waits
    /// for another result reads too (CPython deadlocks there), though no worker is looked at meanwhile.
    /// </summary>
    private protected override bool WaitForResult(ManualResetEventSlim done, TimeSpan timeout)
    {
        if (done.IsSet)
        {
            return true;
        }

        if (stopping)
        {
            return done.Wait(timeout); // Terminate settles every result.
        }

        var deadline = Deadline.After(timeout);
        Interlocked.Increment(ref callersWaiting); // A full fence: the result thread's giveUp, which reads the count, sees it or is nudged.
        try
        {
            lock (readGate)
            {
                if (handlerReads && !resultsGone)
                {
                    results.NudgeReader(); // It gives up its wait in the queue and gives the turn back.
                }
            }

            while (!done.IsSet)
            {
                if (!TakeTurn(byHandler: false, deadline, done))
                {
                    return stopping ? done.Wait(deadline.Remaining) : done.IsSet;
                }

                try
                {
                    // The caller's own wait (InterruptScope.Wait) is in slices and looks at the stop button between them.
                    using var uninterruptible = InterruptScope.Suspend();
                    if (results.TryGet(out var bytes, block: true, timeout: deadline.RemainingAtMost(CheckPeriod).TotalSeconds, giveUp: () => handlerWantsTurn || stopping))
                    {
                        Settle(bytes);
                    }
                }
                finally
                {
                    GiveBackTurn();
                }

                if (deadline.HasPassed)
                {
                    return done.IsSet;
                }
            }

            return true;
        }
        finally
        {
            // The last caller to leave gives the reading back to the result thread while results are
            // still to come: nobody else would read them.
            if (Interlocked.Decrement(ref callersWaiting) == 0 && HasPending)
            {
                handlerWake.Set();
            }
        }
    }

    // A callback, Join or an Imap iterator waits: if no caller reads, the result thread stops standing aside.
    private protected override void ResultsAwaited()
    {
        if (Volatile.Read(ref callersWaiting) == 0)
        {
            handlerWake.Set();
        }
    }

    // Waits for the read turn; false if the pool stops first, or (for a caller) its deadline passes or
    // its result is settled. The result thread, waiting, asks the caller that reads to give it back.
    private bool TakeTurn(bool byHandler, Deadline deadline, ManualResetEventSlim? done)
    {
        lock (readGate)
        {
            if (byHandler && reading && !resultsGone)
            {
                handlerWantsTurn = true;
                Interlocked.MemoryBarrier(); // Before the nudge reads the count of sleepers: the reader's giveUp sees the flag, or is woken.
                results.NudgeReader();
            }

            try
            {
                // A caller lets the result thread go first when it asked.
                while (reading || (!byHandler && handlerWantsTurn))
                {
                    if (stopping || deadline.HasPassed || done?.IsSet == true)
                    {
                        return false;
                    }

                    _ = Monitor.Wait(readGate, deadline.RemainingAtMost(CheckPeriod));
                }

                if (stopping || done?.IsSet == true)
                {
                    return false;
                }

                (reading, handlerReads) = (true, byHandler);
                return true;
            }
            finally
            {
                handlerWantsTurn &= !byHandler;
            }
        }
    }

    private void GiveBackTurn()
    {
        lock (readGate)
        {
            (reading, handlerReads) = (false, false);
            Monitor.PulseAll(readGate);
        }
    }

    // Stopping (stopping is set): whoever reads gives up its wait, and nobody takes the turn again.
    // Waits at most the timeout for the turn to be given back.
    private void EndReading(TimeSpan timeout)
    {
        Interlocked.MemoryBarrier(); // stopping is set before the nudge reads the count of sleepers.
        handlerWake.Set();
        var deadline = Deadline.After(timeout);
        lock (readGate)
        {
            if (resultsGone)
            {
                return;
            }

            results.NudgeReader();
            Monitor.PulseAll(readGate);
            while (reading && !deadline.HasPassed)
            {
                _ = Monitor.Wait(readGate, deadline.RemainingAtMost(CheckPeriod));
            }
        }
    }

    // After EndReading: disposes the results queue if nobody reads it (a reader that never gave the
    // turn back keeps it, rather than read freed memory). Once only, whoever stops.
    private void DisposeResults()
    {
        lock (readGate)
        {
            if (!reading && !resultsGone)
            {
                resultsGone = true;
                results.Dispose();
            }
        }
    }
}
