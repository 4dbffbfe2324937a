using System.Collections.Concurrent;
using System.Diagnostics;

namespace Helpers.Multiprocessing;

// Who reads the results queue. CPython's result handler thread reads every result, then wakes the
// caller that waits for it: three wake-ups a task (the worker, the handler, the caller). Here a
// caller waiting in Get reads the queue itself while the result thread stands aside, so a result
// wakes the thread that wants it: two wake-ups. One reader holds the read turn at a time: a
// waiting caller, or the result thread, which reads whenever no caller waits (results nobody waits
// for yet, and callbacks) and takes the turn back every CheckPeriod to look at its workers. A
// result whose job has a callback is handed to the result thread, which runs callbacks, as in CPython.
public sealed partial class Pool
{
    private readonly object readGate = new(); // Monitor: the read turn; whoever waits for it is pulsed when it is given back.
    private readonly ConcurrentQueue<byte[]> forHandler = new(); // Results a caller read that the result thread settles (callbacks).
    private readonly ManualResetEventSlim handlerWake = new(false); // Wakes the result thread while it stands aside.
    private bool reading; // Under readGate: someone holds the read turn.
    private bool handlerReads; // Under readGate: the result thread holds it (and may sleep in the queue: nudge it out).
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
                // A caller reads: stand aside until it hands over a callback, the callers leave with
                // results still pending, or the workers are due for a look.
                _ = handlerWake.Wait(untilCheck);
                handlerWake.Reset(); // Whatever set it is looked at again next.
                continue;
            }

            if (!TakeTurn(byHandler: true, Deadline.Never, done: null))
            {
                break; // Stopping.
            }

            try
            {
                // Rings are read by their message count in shared memory, so a worker killed between
                // writing its result and waking this thread leaves nothing unread.
                if (untilCheck > TimeSpan.Zero &&
                    results.TryGet(out var bytes, block: true, timeout: untilCheck.TotalSeconds, giveUp: () => Volatile.Read(ref callersWaiting) > 0 || stopping))
                {
                    Dispatch(bytes);
                }

                if (Stopwatch.GetElapsedTime(lastCheck) >= CheckPeriod)
                {
                    lastCheck = Stopwatch.GetTimestamp();
                    CheckWorkers();
                }
            }
            finally
            {
                GiveBackTurn();
            }
        }
    }

    private void Dispatch(byte[] bytes) => Complete(PoolMessages.ReadId(bytes), bytes);

    // On the result thread, holding the turn or standing aside.
    private void RunHandedOver()
    {
        while (forHandler.TryDequeue(out var bytes))
        {
            Dispatch(bytes);
        }
    }

    /// <summary>
    /// A caller waiting for its result reads the results queue itself, one message at a time while it
    /// holds the read turn, until its own is settled: a result then wakes the thread that waits for it
    /// (two wake-ups a task, not three). Results of other callers' jobs are settled on the way; those
    /// with a callback go to the result thread.
    /// </summary>
    private protected override bool WaitForResult(ManualResetEventSlim done, TimeSpan timeout)
    {
        if (done.IsSet)
        {
            return true;
        }

        // A callback that waits for another result (on the result thread) waits as before; so does
        // a caller of a pool that stops, whose results are settled by Terminate.
        if (stopping || Thread.CurrentThread == handler)
        {
            return done.Wait(timeout);
        }

        var deadline = Deadline.After(timeout);
        Interlocked.Increment(ref callersWaiting); // A full fence, before the result thread's nudge is decided.
        try
        {
            lock (readGate)
            {
                if (handlerReads)
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
                    // The caller's own waits (InterruptScope.Wait) are in slices and look at the stop button between them.
                    using var uninterruptible = InterruptScope.Suspend();
                    if (results.TryGet(out var bytes, block: true, timeout: deadline.RemainingAtMost(CheckPeriod).TotalSeconds, giveUp: () => handlerWantsTurn || stopping))
                    {
                        if (SettlesOnAnyThread(PoolMessages.ReadId(bytes)))
                        {
                            Dispatch(bytes);
                        }
                        else
                        {
                            forHandler.Enqueue(bytes);
                            handlerWake.Set();
                        }
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
            if (byHandler && reading)
            {
                handlerWantsTurn = true;
                Interlocked.MemoryBarrier();
                results.NudgeReader();
            }

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
            handlerWantsTurn &= !byHandler;
            return true;
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

    // Stopping: whoever reads gives up its wait, and nobody takes the turn again. Returns once the
    // turn is free (so the queue can be disposed), or false after the timeout.
    private bool EndReading(TimeSpan timeout)
    {
        Interlocked.MemoryBarrier(); // stopping is set: a reader that sleeps sees it once woken.
        results.NudgeReader();
        handlerWake.Set();
        var deadline = Deadline.After(timeout);
        lock (readGate)
        {
            Monitor.PulseAll(readGate);

            // A callback that stops its pool runs on the result thread, which holds the turn and gives it back after the callback.
            while (reading && !(handlerReads && Thread.CurrentThread == handler))
            {
                if (deadline.HasPassed)
                {
                    return false;
                }

                _ = Monitor.Wait(readGate, deadline.RemainingAtMost(CheckPeriod));
            }
        }

        return true;
    }
}
