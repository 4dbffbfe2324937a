namespace Helpers.Multiprocessing;

/// <summary>Python's <c>threading.BrokenBarrierError</c>: the <see cref="Barrier"/> was aborted, reset while waiting, or a wait timed out.</summary>
public sealed class BrokenBarrierException : Exception
{
    /// <summary>Creates the error.</summary>
    public BrokenBarrierException()
        : base("The barrier is broken: it was aborted, reset while parties waited, or a wait timed out.")
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public BrokenBarrierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public BrokenBarrierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
