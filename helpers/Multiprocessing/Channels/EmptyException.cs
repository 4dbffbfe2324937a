namespace Helpers.Multiprocessing;

/// <summary>Python's <c>queue.Empty</c>: <c>Get</c> found no item (at once, or within its timeout).</summary>
public sealed class EmptyException : Exception
{
    /// <summary>Creates the error.</summary>
    public EmptyException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public EmptyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public EmptyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
