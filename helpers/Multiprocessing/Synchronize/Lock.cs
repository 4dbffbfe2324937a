using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A lock shared by processes (Python's <c>multiprocessing.Lock</c>): one holder at a time, not
/// reentrant (a second <c>Acquire</c> by its holder waits), and released by anyone. Pass it to a
/// child as an argument; <c>using (l.EnterScope())</c> is Python's <c>with l:</c>.
/// </summary>
/// <remarks>If the holding process dies, a waiter gets an <see cref="AbandonedLockException"/> within about 0.1 s instead of waiting forever.</remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed class Lock : IAcquirable, IDisposable, IShareable<Lock, SemLock.Handle>
{
    private readonly SemLock core;

    /// <summary>Creates an unlocked lock.</summary>
    public Lock()
        : this(Parts.Build(typeof(Lock), _ => SemLock.CreateLock()))
    {
    }

    private Lock(SemLock core)
    {
        this.core = core;
        (core.WaitingFor, core.TraceName) = ("the Lock (Acquire)", "Lock");
    }

    /// <summary>True while some thread of some process holds it.</summary>
    public bool IsLocked => core.IsLocked;

    /// <summary>True if the calling thread holds it.</summary>
    internal bool IsMine => core.IsMine;

    /// <inheritdoc/>
    /// <exception cref="AbandonedLockException">The holder died without releasing; the lock is free again.</exception>
    public bool Acquire(bool block = true, double? timeout = null) => core.Acquire(block, Deadline.After(timeout));

    /// <inheritdoc/>
    /// <remarks>As in Python, any thread of any process may release a held <c>Lock</c>.</remarks>
    /// <exception cref="SynchronizationLockException">Nobody holds it (Python's ValueError "semaphore or lock released too many times").</exception>
    public void Release()
    {
        if (!core.IsLocked)
        {
            throw new SynchronizationLockException("Release() of a Lock that nobody holds: it was released more times than acquired. Pair each Release() with an Acquire(), or use using (l.EnterScope()) { ... }.");
        }

        core.Release();
    }

    /// <summary>Python's <c>with x:</c> as <c>using (x.EnterScope()) { ... }</c>: acquires (waiting as long as needed) and releases however the block ends.</summary>
    public AcquiredScope EnterScope() => Acquirable.EnterScope(this);

    /// <summary>Keeps this lock off every timeline: for a lock the helpers keep inside another object.</summary>
    internal Lock Untraced()
    {
        core.Untrace();
        return this;
    }

    /// <summary>Closes it in this process; the creating process also removes its OS names.</summary>
    public void Dispose() => core.Dispose();

    /// <summary>As Python's repr: <c>&lt;Lock(owner=pid)&gt;</c> or <c>&lt;Lock(owner=None)&gt;</c>.</summary>
    public override string ToString() => core.IsLocked ? $"<Lock(owner={core.HolderPid})>" : "<Lock(owner=None)>";

    SemLock.Handle IShareable<Lock, SemLock.Handle>.ToHandle() => core.ToHandle();

    static Lock IShareable<Lock, SemLock.Handle>.FromHandle(SemLock.Handle handle) => new(SemLock.Open(handle));
}
