namespace Helpers.Multiprocessing;

/// <summary>
/// The stack trace of an exception that a pool worker raised, in the worker's process (Python's
/// <c>multiprocessing.pool.RemoteTraceback</c>). The parent re-raises the worker's exception with
/// its type and message, and puts this inside as its <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class RemoteException : Exception
{
    /// <summary>Creates the error.</summary>
    public RemoteException()
    {
    }

    /// <summary>Creates the error with the remote type and message, and its stack trace.</summary>
    /// <param name="message">The worker's exception, as its ToString() printed it: type, message, stack trace.</param>
    public RemoteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and a cause.</summary>
    public RemoteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The worker's exception type, by full name.</summary>
    public string? RemoteType { get; init; }

    /// <summary>The worker's exception as it printed it there (type, message, stack trace), without the quotes that <see cref="Exception.Message"/> puts around it as Python's <c>RemoteTraceback</c> does.</summary>
    public string RemoteTrace { get; init; } = "";

    /// <summary>Rebuilds the worker's exception in this process: its own type if that can be created with a message and a cause, else this type.</summary>
    internal static Exception Rebuild(string typeName, string message, string remoteTrace)
    {
        var remote = new RemoteException($"\n\"\"\"\n{remoteTrace}\n\"\"\"") { RemoteType = typeName, RemoteTrace = remoteTrace };
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        if (type is not null && typeof(Exception).IsAssignableFrom(type)
            && type.GetConstructor([typeof(string), typeof(Exception)]) is { } constructor)
        {
            try
            {
                return (Exception)constructor.Invoke([message, remote]);
            }
            catch (System.Reflection.TargetInvocationException)
            {
                // Its constructor does more than store a message: fall back to the wrapper.
            }
        }

        return new RemoteException($"{typeName}: {message}", remote) { RemoteType = typeName, RemoteTrace = remoteTrace };
    }
}
