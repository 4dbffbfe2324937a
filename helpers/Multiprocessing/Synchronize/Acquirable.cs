namespace Helpers.Multiprocessing;

/// <summary>Something acquired and released: the locks and semaphores, and a <see cref="Condition"/>.</summary>
public interface IAcquirable
{
    /// <summary>
    /// Python's <c>acquire(block=True, timeout=None)</c>: takes it, at once if <paramref name="block"/>
    /// is false, else waiting up to <paramref name="timeout"/> seconds (forever if null).
    /// </summary>
    /// <returns>True if taken; false if not taken in time.</returns>
    bool Acquire(bool block = true, double? timeout = null);

    /// <summary>Python's <c>release()</c>.</summary>
    void Release();
}

/// <summary>
/// Python's <c>with lock:</c> as <c>using (l.EnterScope()) { ... }</c>: released however the block ends.
/// Each lock-like type has its own <c>EnterScope()</c>, so that the alias <c>mp.</c> alone reaches it.
/// </summary>
public readonly struct AcquiredScope : IDisposable, IEquatable<AcquiredScope>
{
    private readonly IAcquirable held;

    internal AcquiredScope(IAcquirable held) => this.held = held;

    /// <summary>Releases what the scope acquired.</summary>
    public void Dispose() => held?.Release();

    /// <inheritdoc/>
    public bool Equals(AcquiredScope other) => ReferenceEquals(held, other.held);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AcquiredScope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => held?.GetHashCode() ?? 0;

    /// <summary>Compares the held objects.</summary>
    public static bool operator ==(AcquiredScope left, AcquiredScope right) => left.Equals(right);

    /// <summary>Compares the held objects.</summary>
    public static bool operator !=(AcquiredScope left, AcquiredScope right) => !left.Equals(right);
}

/// <summary>What every lock-like type of the helpers shares, written once.</summary>
internal static class Acquirable
{
    /// <summary>Acquires (waiting as long as needed) and returns a scope that releases.</summary>
    public static AcquiredScope EnterScope(IAcquirable acquirable)
    {
        acquirable.Acquire();
        return new AcquiredScope(acquirable);
    }

    /// <summary>The error for releasing, waiting on or notifying what this thread does not hold (.NET's <see cref="Monitor.Exit(object)"/> throws the same).</summary>
    public static SynchronizationLockException NotHeld(string type, string what) =>
        new($"Cannot {what} a {type} that this thread does not hold: acquire it first, or use it inside using (x.EnterScope()) {{ ... }}.");
}
