using System.Runtime.CompilerServices;

namespace Helpers.Multiprocessing;

// Waiting and waking: a reader waits for a message, a writer for bytes. The counts in shared
// memory decide; the semaphores only put idle sides to sleep, so a busy ring makes no system call.
internal sealed unsafe partial class Ring
{
    private const int SpinCount = 50;
    private static readonly TimeSpan Slice = SemLock.Slice;

    // True if a message is in the ring, from the cached count of puts while it says so (see putsSeen).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasMessage()
    {
        // Acquire reads, here and of putsSeen: the messages another thread saw counted are visible to this one.
        var gets = Volatile.Read(ref H->Gets);
        var seen = Volatile.Read(ref putsSeen);
        if (seen > gets)
        {
            return true;
        }

        var puts = Volatile.Read(ref H->Puts);
        if (puts != seen)
        {
            // Written only when it changes: a spinning reader would otherwise keep writing a line that
            // this process's writers read on every put.
            Volatile.Write(ref putsSeen, puts);
        }

        return puts > gets;
    }

    /// <summary>
    /// Waits until a message is in the ring (true), or, for a pipe, no writer is left (true: the
    /// caller sees the end), or the deadline passes (false). The message count in shared memory
    /// decides, never the semaphore, which only puts idle readers to sleep: a reader spins briefly,
    /// then counts itself in <c>ItemWaiters</c> and sleeps, and a writer posts a wake-up only when
    /// that count is not zero, so a busy queue makes no system call. Wake-ups that find nothing
    /// (another reader took the message) are dropped by the loop. <paramref name="giveUp"/>, if
    /// given, is asked before every sleep, the first included: when it says true the wait ends,
    /// false (a reader of this process that another one asked to step aside, see <see cref="Nudge"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitForMessage(bool block, Deadline deadline, Func<bool>? giveUp = null)
    {
        if (HasMessage())
        {
            return true;
        }

        if (!block || deadline.HasPassed)
        {
            return isPipe && WritersGone;
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (HasMessage())
            {
                return true;
            }
        }

        while (true)
        {
            Interlocked.Increment(ref H->ItemWaiters);
            try
            {
                if (HasMessage())
                {
                    return true;
                }

                if ((isPipe && WritersGone) || deadline.HasPassed)
                {
                    return isPipe && WritersGone;
                }

                // Read after the count of sleepers went up (a full fence), as Nudge reads that count
                // after its caller made giveUp true: one of the two always sees the other.
                if (giveUp?.Invoke() == true)
                {
                    return false;
                }

                // Slices: a pipe reader notices within one that the last writer died without closing.
                _ = items.Acquire(block: true, Deadline.After(deadline.RemainingAtMost(Slice)));

                // Woken, or a slice passed: Count is read again next, so a later message may post
                // again. (After a slice, this also clears a wake-up a dead reader took.)
                Volatile.Write(ref H->WakePending, 0);
            }
            finally
            {
                Interlocked.Decrement(ref H->ItemWaiters);
            }
        }
    }

    /// <summary>
    /// Wakes a reader that sleeps, so that it looks at its <c>giveUp</c> condition (see
    /// <see cref="Get"/>). The caller makes that condition true first, with a full fence.
    /// </summary>
    public void Nudge() => WakeReader();

    // Posts a wake-up if a reader sleeps and none is pending. At most one is ever pending, so
    // wake-ups cannot pile up: not when readers are busy, and not after a reader died while counted
    // as asleep (its count is never taken back).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WakeReader()
    {
        if (Volatile.Read(ref H->ItemWaiters) > 0 && Interlocked.Exchange(ref H->WakePending, 1) == 0)
        {
            items.Release();
        }
    }

    // A message was taken: wake a writer waiting for bytes (it re-checks, so a spare wake-up costs
    // one loop), and free a place of a bounded ring.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MadeRoom()
    {
        // Messages left and readers asleep: wake the next one (a writer that saw a wake-up pending
        // did not post its own). The sleepers first: their count is rarely written, the producers' line on every put.
        if (Volatile.Read(ref H->ItemWaiters) > 0 && Count > 0)
        {
            WakeReader();
        }

        if (Volatile.Read(ref H->SpaceWaiters) > 0)
        {
            space.Release();
        }

        if (H->MaxItems > 0)
        {
            slots.Release();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitForSpace(int needed, int capacity, bool block, Deadline deadline)
    {
        bool Fits() => capacity - (H->Tail - headSeen) >= needed || capacity - (H->Tail - (headSeen = Volatile.Read(ref H->Head))) >= needed;
        while (!Fits())
        {
            Interlocked.Increment(ref H->SpaceWaiters);
            try
            {
                if (Fits())
                {
                    break;
                }

                if (!block || deadline.HasPassed)
                {
                    return false;
                }

                _ = space.Acquire(block: true, Deadline.After(deadline.RemainingAtMost(Slice)));

                // Nobody will ever make room if nobody reads: Python's BrokenPipeError, not a wait forever.
                if (isPipe && ReadersGone)
                {
                    throw new IOException("Broken pipe: the receiving end of this pipe is closed, or its process has exited, and the pipe is full.");
                }
            }
            finally
            {
                Interlocked.Decrement(ref H->SpaceWaiters);
            }
        }

        return true;
    }
}
