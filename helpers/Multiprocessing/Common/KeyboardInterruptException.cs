namespace Helpers.Multiprocessing;

/// <summary>
/// Python's <c>KeyboardInterrupt</c>: a blocking call of the helpers ended because its
/// <see cref="InterruptScope"/> was cancelled (in a notebook, the stop button), not because what it
/// waited for happened. The message says what was being waited for and what the interrupt stopped.
/// </summary>
/// <remarks>
/// It is an <see cref="OperationCanceledException"/>, so code that handles .NET's cancellation
/// handles it; as with Python's <c>KeyboardInterrupt</c>, catching it to go on is rarely right.
/// </remarks>
public sealed class KeyboardInterruptException : OperationCanceledException
{
    /// <summary>Creates one for a wait on <paramref name="waitingFor"/> that the interrupt ended.</summary>
    /// <param name="waitingFor">What the call was waiting for, e.g. "Process-1 to end (Join)".</param>
    /// <param name="stopped">What the interrupt stopped, one line each (may be empty).</param>
    /// <param name="token">The token that was cancelled.</param>
    public KeyboardInterruptException(string waitingFor, IReadOnlyList<string> stopped, CancellationToken token)
        : base(Describe(waitingFor, stopped), token) => (WaitingFor, Stopped) = (waitingFor, stopped);

    /// <summary>Creates one with only a message (for serialization and tests).</summary>
    public KeyboardInterruptException()
        : this("a blocking call", [], CancellationToken.None)
    {
    }

    /// <summary>Creates one with only a message.</summary>
    public KeyboardInterruptException(string message)
        : base(message) => (WaitingFor, Stopped) = ("a blocking call", []);

    /// <summary>Creates one with a message and the exception that caused it.</summary>
    public KeyboardInterruptException(string message, Exception innerException)
        : base(message, innerException) => (WaitingFor, Stopped) = ("a blocking call", []);

    /// <summary>What the interrupted call was waiting for.</summary>
    public string WaitingFor { get; }

    /// <summary>What the interrupt stopped: the processes and pools the interrupted scope had started, and the pool it was waiting on.</summary>
    public IReadOnlyList<string> Stopped { get; }

    /// <summary>The message for a wait on <paramref name="waitingFor"/> that the interrupt ended, having stopped <paramref name="stopped"/>.</summary>
    internal static string Describe(string waitingFor, IReadOnlyList<string> stopped) =>
        $"Interrupted while waiting for {waitingFor}."
        + (stopped.Count == 0 ? "" : $" Stopped: {string.Join("; ", stopped)}.")
        + " Shared objects stay usable.";
}
