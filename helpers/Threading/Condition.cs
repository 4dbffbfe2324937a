using Helpers.Multiprocessing;

namespace Helpers.Threading;

/// <summary>
/// Python's <c>threading.Condition</c> over .NET's <see cref="Monitor"/>: <see cref="Wait"/> releases
/// the lock and sleeps until notified, <see cref="WaitFor"/> waits until a predicate holds,
/// <see cref="Notify"/> wakes up to n waiters. .NET's Monitor has wait and pulse, but no
/// <c>wait_for</c> and no lock object of its own; this adds both and nothing else.
/// </summary>
/// <remarks>Use it as Python's <c>with cond:</c>: <c>using (cond.EnterScope()) { … }</c>. The lock is reentrant, as Python's default RLock.</remarks>
public sealed class Condition : IAcquirable
{
    private readonly object gate;

    /// <summary>Creates a condition on <paramref name="lockObject"/> (any object used with <c>lock</c>/<see cref="Monitor"/>), or on a new one.</summary>
    public Condition(object? lockObject = null) => gate = lockObject ?? new object();

    /// <summary>Python's <c>acquire(blocking=True, timeout=None)</c>: takes the lock, at once if <paramref name="block"/> is false, else within <paramref name="timeout"/> seconds (forever if null).</summary>
    /// <returns>False if not taken.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout other than -1 (Python's ValueError).</exception>
    /// <exception cref="ArgumentException">A timeout with <paramref name="block"/> false (Python's ValueError).</exception>
    public bool Acquire(bool block = true, double? timeout = null)
    {
        // threading's own rules, unlike multiprocessing's: -1 waits forever, another negative is an error.
        timeout = timeout is -1 ? null : timeout;
        if (timeout is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout is 0 or more seconds, or -1 (or null) to wait as long as it takes (Python's threading rules).");
        }

        if (!block && timeout is not null)
        {
            throw new ArgumentException("A timeout cannot be given with block: false (Python: 'can't specify a timeout for a non-blocking call').", nameof(timeout));
        }

        return InterruptScope.Take(t => Monitor.TryEnter(gate, t), Deadline.ToTimeSpan(block ? timeout : 0), "the Condition's lock (Acquire)");
    }

    /// <summary>Releases the lock (Python's <c>release()</c>).</summary>
    /// <exception cref="SynchronizationLockException">This thread does not hold it.</exception>
    public void Release()
    {
        CheckHeld("release");
        Monitor.Exit(gate);
    }

    /// <summary>Python's <c>with cond:</c> as <c>using (cond.EnterScope()) { … }</c>.</summary>
    public AcquiredScope EnterScope() => Acquirable.EnterScope(this);

    /// <summary>Python's <c>wait(timeout=None)</c>: releases the lock, sleeps until notified or the timeout passes, takes the lock again.</summary>
    /// <returns>False if the timeout passed.</returns>
    /// <exception cref="SynchronizationLockException">This thread does not hold the lock (Python's RuntimeError).</exception>
    public bool Wait(double? timeout = null)
    {
        var wait = Deadline.ToTimeSpan(timeout);
        CheckHeld("wait on");
        return InterruptScope.Wait(t => Monitor.Wait(gate, t), wait, "a notify on the Condition (Wait)");
    }

    /// <summary>Python's <c>wait_for(predicate, timeout=None)</c>: waits until <paramref name="predicate"/> is true, at most <paramref name="timeout"/> seconds in all.</summary>
    /// <returns>The predicate's last value.</returns>
    public bool WaitFor(Func<bool> predicate, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = Deadline.After(timeout);
        CheckHeld("wait on");
        var result = predicate();
        while (!result && !deadline.HasPassed)
        {
            _ = InterruptScope.Wait(t => Monitor.Wait(gate, t), deadline.Remaining, "a notify on the Condition (WaitFor)");
            result = predicate();
        }

        return result;
    }

    /// <summary>Python's <c>notify(n=1)</c>: wakes up to <paramref name="n"/> waiters.</summary>
    /// <exception cref="SynchronizationLockException">This thread does not hold the lock.</exception>
    public void Notify(int n = 1)
    {
        CheckHeld("notify");
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        for (var i = 0; i < n; i++)
        {
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Python's <c>notify_all()</c>.</summary>
    public void NotifyAll()
    {
        CheckHeld("notify");
        Monitor.PulseAll(gate);
    }

    private void CheckHeld(string what)
    {
        if (!Monitor.IsEntered(gate))
        {
            throw Acquirable.NotHeld(nameof(Condition), what);
        }
    }
}
