namespace Helpers.Multiprocessing;

/// <summary>Python's <c>queue.Full</c>: <c>Put</c> found no room (at once, or within its timeout).</summary>
public sealed class FullException : Exception
{
    /// <summary>Creates the error.</summary>
    public FullException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public FullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public FullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
