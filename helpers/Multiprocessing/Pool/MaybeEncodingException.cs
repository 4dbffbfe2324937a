namespace Helpers.Multiprocessing;

/// <summary>
/// A <see cref="Pool"/> task ran, but its result cannot be sent back from the worker (Python's
/// <c>multiprocessing.pool.MaybeEncodingError</c>): return something that crosses processes
/// (numbers, strings, arrays, lists, records of them). The message names the value and the reason.
/// Only that task fails; the worker goes on.
/// </summary>
public sealed class MaybeEncodingException : Exception
{
    /// <summary>Creates the error.</summary>
    public MaybeEncodingException()
    {
    }

    /// <summary>Creates the error with a message.</summary>
    public MaybeEncodingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public MaybeEncodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
