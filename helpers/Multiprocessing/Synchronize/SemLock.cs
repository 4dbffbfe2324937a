using System.Runtime.CompilerServices;
using Helpers.Multiprocessing.Platform;

namespace Helpers.Multiprocessing;

/// <summary>
/// The shared core of <see cref="Lock"/>, <see cref="RLock"/>, <see cref="Semaphore"/> and
/// <see cref="BoundedSemaphore"/>, as CPython's <c>_multiprocessing.SemLock</c>: a named semaphore,
/// plus a little shared memory that records who holds it and how many units it has.
/// </summary>
/// <remarks>
/// Beyond CPython: a waiter checks, every <see cref="Slice"/>, whether the process holding a lock
/// still exists. If it died without releasing, the lock is freed and the waiter gets an
/// <see cref="AbandonedLockException"/>; CPython's waiter would wait forever.
/// </remarks>
internal sealed unsafe partial class SemLock : IDisposable
{
    /// <summary>How often a waiter looks for a dead holder.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    private const int Free = 0, Locked = 1, Contended = 2;

    // How many times a waiter spins (SpinWait, growing pauses of at most a few microseconds) before it sleeps.
    // Acquire and Release are on every message's path: compiled optimized at once (see Ring).
    private const int SpinCount = 50;
    private readonly NamedSemaphore semaphore;
    private readonly SharedMemory memory;
    private readonly bool owner;
    private int closed;

    private SemLock(NamedSemaphore semaphore, SharedMemory memory, bool owner) => (this.semaphore, this.memory, this.owner) = (semaphore, memory, owner);

    /// <summary>Creates a semaphore with <paramref name="value"/> units of at most <paramref name="maximum"/>.</summary>
    /// <param name="value">The units it starts with.</param>
    /// <param name="maximum">The most units it can have.</param>
    /// <param name="countValue">Keep <see cref="Value"/> up to date (for <see cref="Semaphore.GetValue"/>);
    /// the rings' internal semaphores skip it, which saves two shared-memory writes a message.</param>
    public static SemLock Create(int value, int maximum, bool countValue = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var memory = new SharedMemory(sizeof(State));
        try
        {
            var name = ResourceTracker.NewName("sem");
            var semaphore = NamedSemaphore.Create(name, value, maximum);
            try
            {
                ResourceTracker.Register(ResourceTracker.Kind.Semaphore, name);
            }
            catch
            {
                semaphore.Dispose();
                semaphore.Unlink();
                throw;
            }

            var state = (State*)memory.Address;
            state->Value = value;
            state->Maximum = maximum;
            state->CountsValue = countValue ? 1 : 0;
            return new SemLock(semaphore, memory, owner: true);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a lock: a word in shared memory taken with a compare-and-swap, so that an uncontended
    /// acquire and release make no system call; the semaphore (starting at 0) only wakes sleepers.
    /// </summary>
    public static SemLock CreateLock()
    {
        var created = Create(0, int.MaxValue);
        created.S->IsLock = 1;
        return created;
    }

    /// <summary>Opens a semaphore another process created.</summary>
    public static SemLock Open(Handle handle)
    {
        var memory = SharedMemory.Attach(handle.Memory, sizeof(State));
        return new SemLock(NamedSemaphore.Open(handle.Semaphore, ((State*)memory.Address)->Maximum), memory, owner: false);
    }

    /// <summary>What a wait on it is for, as an interrupt reports it ("the Lock (Acquire)").</summary>
    public string WaitingFor { get; set; } = "a semaphore (Acquire)";

    /// <summary>
    /// The lock's name on a timeline ("Lock", "RLock"): a <see cref="Multiprocessing.Lock"/>'s waits
    /// and holds are drawn; null for the helpers' own locks and semaphores, which are not.
    /// </summary>
    public string? TraceName { get; set; }

    // The name to record under, or null: a lock the helpers keep inside an Event, a Barrier or a
    // JoinableQueue is not drawn, in any process (the mark is in the shared state).
    private string? Traced => S->Untraced == 0 ? TraceName : null;

    /// <summary>Keeps this lock off every timeline, in every process that opens it: for the helpers' own locks.</summary>
    public void Untrace() => S->Untraced = 1;

    /// <summary>The names that open this semaphore elsewhere.</summary>
    public Handle ToHandle() => new(semaphore.Name, memory.Name);

    private State* S => (State*)memory.Address;

    /// <summary>The process holding the lock, 0 if none (locks only).</summary>
    public int HolderPid => Volatile.Read(ref S->HolderPid);

    /// <summary>The thread holding the lock in <see cref="HolderPid"/> (locks only).</summary>
    public int HolderThread => Volatile.Read(ref S->HolderThread);

    /// <summary>True if this thread of this process holds the lock.</summary>
    public bool IsMine => HolderPid == Environment.ProcessId && HolderThread == Environment.CurrentManagedThreadId;

    /// <summary>The recursion depth of an <see cref="RLock"/>; changed only by its holder.</summary>
    public ref int Depth => ref S->Depth;

    // Set once at creation: a lock (CreateLock) or a counting semaphore (Create).
    private bool IsLock => S->IsLock != 0;

    /// <summary>The free units (approximate while others acquire and release).</summary>
    public int Value => Volatile.Read(ref S->Value);

    /// <summary>The most units there can be.</summary>
    public int Maximum => S->Maximum;

    /// <summary>
    /// Takes one unit: at once if <paramref name="block"/> is false, else waiting until
    /// <paramref name="deadline"/>. A lock (made by <see cref="CreateLock"/>) also records this thread
    /// as the holder, and watches for a holder that died.
    /// </summary>
    /// <exception cref="AbandonedLockException">The holder died without releasing; the lock is now free.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Acquire(bool block, Deadline deadline)
    {
        if (IsLock)
        {
            return AcquireLock(block, deadline);
        }

        if (!semaphore.TryWait() && (!block || !WaitContended(deadline)))
        {
            return false;
        }

        if (S->CountsValue != 0)
        {
            Interlocked.Decrement(ref S->Value);
        }

        return true;
    }

    // A unit is often posted a moment later by a process running on another core: trying again for
    // a short spin spares both sides the system calls of sleeping and waking.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitContended(Deadline deadline)
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (semaphore.TryWait())
            {
                return true;
            }
        }

        // In slices inside an interruptible scope (the stop button), else in one wait.
        return InterruptScope.Take(
            t => semaphore.Wait(t == Timeout.InfiniteTimeSpan ? null : t),
            deadline.Remaining,
            WaitingFor);
    }

    /// <summary>Takes one unit if one is free now, without waiting.</summary>
    /// <exception cref="AbandonedLockException">The holder died without releasing; the lock is now free.</exception>
    public bool TryAcquire() => Acquire(block: false, Deadline.Never);

    /// <summary>Gives one unit back; a lock forgets its holder and wakes a sleeper if there is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Release()
    {
        if (IsLock)
        {
            if (Traced is { } name && Tracing.Recorder.Current is { } recorder)
            {
                // The hold ends on its holder's row, whoever releases it (a Lock may be released by anyone).
                recorder.Lock(name, memory.Name, Tracing.EventPhase.End, Tracing.TimelineReader.LockHeld, HolderPid, HolderThread);
            }

            Volatile.Write(ref S->HolderPid, 0);
            Volatile.Write(ref S->HolderThread, 0);
            if (Interlocked.Exchange(ref S->Word, Free) == Contended)
            {
                semaphore.Post();
            }

            return;
        }

        if (S->CountsValue != 0)
        {
            Interlocked.Increment(ref S->Value);
        }

        semaphore.Post();
    }

    /// <summary>True while some thread holds the lock.</summary>
    public bool IsLocked => Volatile.Read(ref S->Word) != Free;

    // The lock word: Free, Locked (no sleeper), Contended (maybe sleepers: the releaser posts a
    // wake-up). A wake-up is only a hint to try again, so a stray one costs a loop, never a second
    // holder. This is the futex mutex of Drepper's "Futexes Are Tricky", with a semaphore as the futex.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AcquireLock(bool block, Deadline deadline)
    {
        if (Interlocked.CompareExchange(ref S->Word, Locked, Free) != Free && (!block || !AcquireTraced(deadline)))
        {
            return false;
        }

        Volatile.Write(ref S->HolderThread, Environment.CurrentManagedThreadId);
        Volatile.Write(ref S->HolderPid, Environment.ProcessId);
        if (Traced is { } name && Tracing.Recorder.Current is { } recorder)
        {
            recorder.Lock(name, memory.Name, Tracing.EventPhase.Begin, Tracing.TimelineReader.LockHeld);
        }

        return true;
    }

    // A contended acquire, drawn on a timeline as a wait (which ends however the acquire ends).
    private bool AcquireTraced(Deadline deadline)
    {
        if (Traced is not { } name || Tracing.Recorder.Current is not { } recorder)
        {
            return AcquireContended(deadline);
        }

        recorder.Lock(name, memory.Name, Tracing.EventPhase.Begin, Tracing.TimelineReader.LockWait);
        var acquired = false;
        try
        {
            return acquired = AcquireContended(deadline);
        }
        finally
        {
            if (!acquired)
            {
                recorder.Lock(name, memory.Name, Tracing.EventPhase.End, Tracing.TimelineReader.LockWait);
            }
        }
    }

    private bool AcquireContended(Deadline deadline)
    {
        // The holder usually runs on another core and is about to release: spin briefly first.
        var spinner = default(SpinWait);
        for (var i = 0; i < SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref S->Word) == Free && Interlocked.CompareExchange(ref S->Word, Locked, Free) == Free)
            {
                return true;
            }
        }

        while (Interlocked.Exchange(ref S->Word, Contended) != Free)
        {
            if (deadline.HasPassed)
            {
                return false;
            }

            InterruptScope.ThrowIfInterrupted(WaitingFor);
            if (!semaphore.Wait(deadline.RemainingAtMost(Slice)))
            {
                ReclaimIfAbandoned();
            }
        }

        return true;
    }

    /// <summary>Clears the holder, once, if it is a process that no longer exists, and says so.</summary>
    private void ReclaimIfAbandoned()
    {
        var holder = HolderPid;
        if (holder == 0 || holder == Environment.ProcessId || ProcessExists(holder)
            || Interlocked.CompareExchange(ref S->HolderPid, 0, holder) != holder)
        {
            return;
        }

        Volatile.Write(ref S->HolderThread, 0);
        S->Depth = 0;
        Volatile.Write(ref S->Word, Free);
        semaphore.Post();
        throw new AbandonedLockException(holder);
    }

    /// <summary>True while process <paramref name="pid"/> exists.</summary>
    public static bool ProcessExists(int pid) => OperatingSystem.IsWindows() ? ProcessExistsWindows(pid) : Posix.ProcessExists(pid);

    /// <summary>Closes it here; the creator also removes its names.</summary>
    public void Dispose()
    {
        Close();
        memory.Dispose();
        GC.SuppressFinalize(this);
    }

    // Dropped without Dispose: the shared state is freed by its own finalizer; the semaphore, here.
    ~SemLock() => Finalizer.Run(Close);

    private void Close()
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        semaphore.Dispose();
        if (owner)
        {
            semaphore.Unlink();
            ResourceTracker.Unregister(ResourceTracker.Kind.Semaphore, semaphore.Name);
        }
    }

    /// <summary>What crosses to another process.</summary>
    /// <param name="Semaphore">The semaphore's name.</param>
    /// <param name="Memory">The shared state's name.</param>
    internal sealed record Handle(string Semaphore, string Memory);

    private struct State
    {
        public int Word;
        public int IsLock;
        public int HolderPid;
        public int HolderThread;
        public int Depth;
        public int Value;
        public int Maximum;
        public int CountsValue;
        public int Untraced;
    }
}
