using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A <see cref="Semaphore"/> that may not be released above its initial value (Python's
/// <c>multiprocessing.BoundedSemaphore</c>): a release without a matching acquire is a bug, and
/// this reports it.
/// </summary>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed class BoundedSemaphore : Semaphore, IShareable<BoundedSemaphore, SemLock.Handle>
{
    /// <summary>Creates a semaphore with <paramref name="value"/> units, which is also its maximum.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public BoundedSemaphore(int value = 1)
        : base(Parts.Build(typeof(BoundedSemaphore), _ => SemLock.Create(value, value)))
    {
    }

    private BoundedSemaphore(SemLock core)
        : base(core)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="SynchronizationLockException">It is already at its initial value (Python's ValueError "semaphore or lock released too many times").</exception>
    /// <remarks>As in CPython, the check reads the value just before releasing: releases racing with each other can slip by it.</remarks>
    public override void Release()
    {
        if (Core.Value >= Core.Maximum)
        {
            throw new SynchronizationLockException($"Release() of a BoundedSemaphore already at its value {Core.Maximum}: it was released more times than acquired. Pair each Release() with an Acquire().");
        }

        base.Release();
    }

    SemLock.Handle IShareable<BoundedSemaphore, SemLock.Handle>.ToHandle() => Core.ToHandle();

    static BoundedSemaphore IShareable<BoundedSemaphore, SemLock.Handle>.FromHandle(SemLock.Handle handle) => new(SemLock.Open(handle));
}
