namespace Helpers.Multiprocessing;

/// <summary>
/// The process that held a lock died without releasing it. The lock has been freed (call
/// <c>Acquire</c> again to take it), but whatever it protected may have been left half-updated.
/// CPython has no such error: its waiters wait forever.
/// </summary>
public sealed class AbandonedLockException : Exception
{
    /// <summary>Creates the error for a holder that died.</summary>
    /// <param name="holderPid">The process that held the lock.</param>
    public AbandonedLockException(int holderPid)
        : base($"The process that held this lock (pid {holderPid}) died without releasing it. The lock is free again; " +
               "call Acquire() again to take it, and check the data it protected, which may be half-updated.") =>
        HolderPid = holderPid;

    /// <summary>Creates the error with a message.</summary>
    public AbandonedLockException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public AbandonedLockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public AbandonedLockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process that held the lock, 0 if unknown.</summary>
    public int HolderPid { get; }
}
