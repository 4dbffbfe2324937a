namespace Helpers.Multiprocessing;

/// <summary>
/// A <see cref="Pool"/> worker died (killed, crashed) while it ran this task. CPython's Pool hangs
/// forever here; the helpers' pool fails the task within about a second, replaces the worker and
/// goes on with the other tasks.
/// </summary>
public sealed class WorkerLostException : Exception
{
    /// <summary>Creates the error.</summary>
    public WorkerLostException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public WorkerLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public WorkerLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
