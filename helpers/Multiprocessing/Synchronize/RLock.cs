using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A reentrant lock shared by processes (Python's <c>multiprocessing.RLock</c>): its holder (one
/// thread of one process) may acquire it again, and must release it as many times; nobody else may
/// release it.
/// </summary>
/// <remarks>If the holding process dies, a waiter gets an <see cref="AbandonedLockException"/> within about 0.1 s instead of waiting forever.</remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed class RLock : IAcquirable, IDisposable, IShareable<RLock, SemLock.Handle>
{
    private readonly SemLock core;

    /// <summary>Creates an unlocked reentrant lock.</summary>
    public RLock()
        : this(Parts.Build(typeof(RLock), _ => SemLock.CreateLock()))
    {
    }

    private RLock(SemLock core)
    {
        this.core = core;
        (core.WaitingFor, core.TraceName) = ("the RLock (Acquire)", "RLock");
    }

    /// <summary>True if the calling thread holds it.</summary>
    public bool IsMine => core.IsMine;

    /// <summary>How many times its holder has acquired it without releasing; 0 when free.</summary>
    public int Depth => core.HolderPid == 0 ? 0 : core.Depth;

    /// <inheritdoc/>
    /// <exception cref="AbandonedLockException">The holder died without releasing; the lock is free again.</exception>
    public bool Acquire(bool block = true, double? timeout = null)
    {
        if (core.IsMine)
        {
            core.Depth++;
            return true;
        }

        if (!core.Acquire(block, Deadline.After(timeout)))
        {
            return false;
        }

        core.Depth = 1;
        return true;
    }

    /// <inheritdoc/>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold it (Python: "cannot release un-acquired lock").</exception>
    public void Release()
    {
        if (!core.IsMine)
        {
            throw Acquirable.NotHeld(nameof(RLock), "release");
        }

        if (--core.Depth == 0)
        {
            core.Release();
        }
    }

    /// <summary>Python's <c>with x:</c> as <c>using (x.EnterScope()) { ... }</c>: acquires (waiting as long as needed) and releases however the block ends.</summary>
    public AcquiredScope EnterScope() => Acquirable.EnterScope(this);

    /// <summary>Releases it completely and returns the depth, for <see cref="Condition"/>'s wait.</summary>
    internal int ReleaseAll()
    {
        var depth = core.Depth;
        core.Depth = 0;
        core.Release();
        return depth;
    }

    /// <summary>Acquires it again with the depth <see cref="ReleaseAll"/> returned.</summary>
    internal void AcquireRestore(int depth)
    {
        core.Acquire(block: true, Deadline.Never);
        core.Depth = depth;
    }

    /// <summary>Closes it in this process; the creating process also removes its OS names.</summary>
    public void Dispose() => core.Dispose();

    /// <summary>As Python's repr: <c>&lt;RLock(owner, count)&gt;</c>.</summary>
    public override string ToString() => core.HolderPid is var pid and not 0 ? $"<RLock({pid}, {core.Depth})>" : "<RLock(None, 0)>";

    SemLock.Handle IShareable<RLock, SemLock.Handle>.ToHandle() => core.ToHandle();

    static RLock IShareable<RLock, SemLock.Handle>.FromHandle(SemLock.Handle handle) => new(SemLock.Open(handle));
}
