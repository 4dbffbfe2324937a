using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A condition variable shared by processes (Python's <c>multiprocessing.Condition</c>): waiters
/// release its lock and sleep until notified; <see cref="WaitFor"/> waits until a predicate holds.
/// Use it inside <c>using (c.EnterScope())</c>, Python's <c>with c:</c>.
/// </summary>
/// <remarks>
/// CPython's algorithm, on three semaphores: sleepers count themselves in, a notifier wakes as many
/// as it notifies and waits until they have woken (bounded here: a sleeper killed while waiting cannot
/// hang the notifier for more than <see cref="WakeTimeout"/>).
/// </remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed class Condition : IAcquirable, IDisposable, IShareable<Condition, Condition.Handle>
{
    private static readonly TimeSpan WakeTimeout = TimeSpan.FromSeconds(5);
    private readonly IAcquirable lockObject;
    private readonly SemLock sleeping;
    private readonly SemLock woken;
    private readonly SemLock waiting;
    private readonly bool ownsLock;

    /// <summary>Creates a condition on <paramref name="lockObject"/>, or on a new <see cref="RLock"/> (Python's default).</summary>
    /// <exception cref="ArgumentException">The lock is neither a <see cref="Lock"/> nor an <see cref="RLock"/>.</exception>
    public Condition(IAcquirable? lockObject = null)
        : this(Parts.Build(typeof(Condition), parts => Make(parts, lockObject is null or Lock or RLock
            ? lockObject ?? parts.Add(new RLock())
            : throw new ArgumentException("A Condition works on a Lock or an RLock of the helpers (mp.Lock, mp.RLock), or on a new RLock if none is given.", nameof(lockObject)),
            ownsLock: lockObject is null)))
    {
    }

    private Condition((IAcquirable Lock, SemLock Sleeping, SemLock Woken, SemLock Waiting, bool OwnsLock) parts)
    {
        (lockObject, sleeping, woken, waiting, ownsLock) = parts;
        waiting.WaitingFor = "a notify on the Condition (Wait)";
    }

    /// <summary>A condition on a new <see cref="Lock"/> that it owns and disposes: for the helpers' own Event, Barrier and JoinableQueue.</summary>
    internal static Condition WithOwnLock(Parts parts) => new(Make(parts, parts.Add(new Lock().Untraced()), ownsLock: true));

    private static (IAcquirable, SemLock, SemLock, SemLock, bool) Make(Parts parts, IAcquirable lockObject, bool ownsLock) =>
        (lockObject, parts.Add(SemLock.Create(0, int.MaxValue)), parts.Add(SemLock.Create(0, int.MaxValue)), parts.Add(SemLock.Create(0, int.MaxValue)), ownsLock);

    /// <inheritdoc/>
    public bool Acquire(bool block = true, double? timeout = null) => lockObject.Acquire(block, timeout);

    /// <inheritdoc/>
    public void Release() => lockObject.Release();

    /// <summary>
    /// Releases the lock, sleeps until notified or until <paramref name="timeout"/> seconds pass
    /// (forever if null), and takes the lock again.
    /// </summary>
    /// <returns>False if the timeout passed.</returns>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock (Python's RuntimeError).</exception>
    public bool Wait(double? timeout = null) => Wait(Deadline.After(timeout)); // Refuses NaN before anything changes.

    private bool Wait(Deadline deadline)
    {
        CheckHeld("wait on");
        sleeping.Release();
        var depth = lockObject is RLock r ? r.ReleaseAll() : Release1();
        try
        {
            return waiting.Acquire(block: true, deadline);
        }
        finally
        {
            // The lock comes back even when an interrupt ended the wait, as after a timeout.
            using var _ = InterruptScope.Suspend();
            woken.Release();
            if (lockObject is RLock rl)
            {
                rl.AcquireRestore(depth);
            }
            else
            {
                lockObject.Acquire();
            }
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> is true, at most <paramref name="timeout"/> seconds in all.</summary>
    /// <returns>The predicate's last value.</returns>
    public bool WaitFor(Func<bool> predicate, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = Deadline.After(timeout);
        var result = predicate();
        while (!result && !deadline.HasPassed)
        {
            Wait(deadline);
            result = predicate();
        }

        return result;
    }

    /// <summary>Wakes up to <paramref name="n"/> waiters; the caller must hold the lock.</summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    public void Notify(int n = 1)
    {
        CheckHeld("notify");
        ArgumentOutOfRangeException.ThrowIfNegative(n);

        // Sleepers that timed out since the last notify have counted themselves as woken: forget them.
        while (woken.TryAcquire())
        {
            sleeping.TryAcquire();
        }

        var sleepers = 0;
        while (sleepers < n && sleeping.TryAcquire())
        {
            waiting.Release();
            sleepers++;
        }

        if (sleepers > 0)
        {
            for (var i = 0; i < sleepers; i++)
            {
                _ = woken.Acquire(block: true, Deadline.After(WakeTimeout));
            }

            // Take back wake-ups that went to nobody (a sleeper timed out meanwhile).
            while (waiting.TryAcquire())
            {
            }
        }
    }

    /// <summary>Wakes every waiter; the caller must hold the lock.</summary>
    public void NotifyAll() => Notify(int.MaxValue);

    /// <summary>Python's <c>with x:</c> as <c>using (x.EnterScope()) { ... }</c>: acquires (waiting as long as needed) and releases however the block ends.</summary>
    public AcquiredScope EnterScope() => Acquirable.EnterScope(this);


    /// <summary>Closes it in this process; the creating process also removes its OS names.</summary>
    public void Dispose()
    {
        sleeping.Dispose();
        woken.Dispose();
        waiting.Dispose();
        if (ownsLock)
        {
            ((IDisposable)lockObject).Dispose();
        }
    }

    private int Release1()
    {
        lockObject.Release();
        return 1;
    }

    private void CheckHeld(string what)
    {
        var held = lockObject switch
        {
            RLock r => r.IsMine,
            Lock l => l.IsMine,
            _ => false,
        };
        if (!held)
        {
            throw Acquirable.NotHeld(nameof(Condition), what);
        }
    }

    Handle IShareable<Condition, Handle>.ToHandle() => new(
        lockObject is RLock,
        lockObject is RLock r ? Shared.HandleOf<RLock, SemLock.Handle>(r) : Shared.HandleOf<Lock, SemLock.Handle>((Lock)lockObject),
        sleeping.ToHandle(),
        woken.ToHandle(),
        waiting.ToHandle());

    static Condition IShareable<Condition, Handle>.FromHandle(Handle handle) => new((
        handle.Reentrant ? Shared.Open<RLock>(handle.Lock) : Shared.Open<Lock>(handle.Lock),
        SemLock.Open(handle.Sleeping),
        SemLock.Open(handle.Woken),
        SemLock.Open(handle.Waiting),
        true));

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(bool Reentrant, SemLock.Handle Lock, SemLock.Handle Sleeping, SemLock.Handle Woken, SemLock.Handle Waiting);
}
