namespace Helpers.Multiprocessing;

/// <summary>
/// The result of a task sent to a pool (any <see cref="WorkerPool"/>; Python's <c>AsyncResult</c>):
/// ready once a worker has answered; <see cref="Get"/> returns the value or raises the worker's exception.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "As in Python, a result is not disposed; the event allocates no OS handle unless one is asked for.")]
public sealed class AsyncResult<T>
{
    private readonly ManualResetEventSlim done = new(false, spinCount: 200);
    private readonly Action<T>? callback;
    private readonly Action<Exception>? errorCallback;
    private readonly Func<string?>? stopOwner;
    private readonly Func<ManualResetEventSlim, TimeSpan, bool>? waitForDone;
    private T? value;
    private Exception? error;
    private int settling; // 1 once Complete or Fail has begun: a result is settled once.

    /// <param name="callback">Runs with the value, on the pool's result thread.</param>
    /// <param name="errorCallback">Runs with the error instead.</param>
    /// <param name="stopOwner">Stops the pool that computes it, when a wait for it is interrupted (see <see cref="InterruptScope"/>).</param>
    /// <param name="waitForDone">How a caller waits for it (the pool's <c>WaitForResult</c>), at most the span given; null: on its
    /// event, as a result with a callback always waits (the pool's result thread settles it).</param>
    internal AsyncResult(Action<T>? callback, Action<Exception>? errorCallback, Func<string?>? stopOwner = null, Func<ManualResetEventSlim, TimeSpan, bool>? waitForDone = null) =>
        (this.callback, this.errorCallback, this.stopOwner, this.waitForDone) = (callback, errorCallback, stopOwner, waitForDone);

    /// <summary>Stops the pool that computes it, when a wait for it is interrupted; what it stopped, or null.</summary>
    internal Func<string?>? StopOwner => stopOwner;

    /// <summary>Whether a callback waits for it: then it is settled on the pool's result thread, as in CPython.</summary>
    internal bool HasCallbacks => callback is not null || errorCallback is not null;

    /// <summary>
    /// Python's <c>get(timeout=None)</c>: waits for the result at most <paramref name="timeout"/>
    /// seconds (forever if null) and returns it, or raises the task's exception.
    /// </summary>
    /// <exception cref="TimeoutException">Not ready within the timeout; the task goes on, and a later Get can still return it.</exception>
    /// <exception cref="WorkerLostException">The worker running the task died (killed, crashed); the pool has replaced it.</exception>
    /// <exception cref="MaybeEncodingException">The task ran, but its result cannot be sent back from the worker.</exception>
    /// <exception cref="InvalidOperationException">The pool was terminated before the task finished.</exception>
    /// <exception cref="Exception">Whatever the task raised, with its own type where it can be rebuilt here (else a
    /// <see cref="RemoteException"/>); its <see cref="Exception.InnerException"/> holds the worker's stack trace.</exception>
    public T Get(double? timeout = null)
    {
        if (!Wait(timeout))
        {
            throw new TimeoutException($"The result was not ready within {timeout} s; it is still pending.");
        }

        if (error is null)
        {
            return value!;
        }

        // An interrupt that terminated the pool failed this task: the interrupt is what ended the wait.
        InterruptScope.ThrowIfInterrupted("a result from the pool (Get, Wait, Apply or Map)", stopOwner);
        throw error;
    }

    /// <summary>Python's <c>wait(timeout=None)</c>: waits until ready, at most <paramref name="timeout"/> seconds.</summary>
    /// <returns>True if ready.</returns>
    public bool Wait(double? timeout = null)
    {
        return InterruptScope.Wait(
            span => waitForDone is null || HasCallbacks ? done.Wait(span) : waitForDone(done, span), Deadline.ToTimeSpan(timeout), "a result from the pool (Get, Wait, Apply or Map)", stopOwner);
    }

    /// <summary>Python's <c>ready()</c>: whether the task has finished.</summary>
    public bool Ready() => done.IsSet;

    /// <summary>Python's <c>successful()</c>: whether it finished without an exception.</summary>
    /// <exception cref="InvalidOperationException">It is not ready yet (Python's ValueError).</exception>
    public bool Successful() => Ready() ? error is null : throw new InvalidOperationException("The result is not ready yet.");

    /// <inheritdoc/>
    public override string ToString() => !Ready() ? "<AsyncResult(pending)>" : error is null ? $"<AsyncResult({value})>" : $"<AsyncResult(failed: {error.GetType().Name})>";

    // The callbacks run on the pool's result thread before the result is marked ready, as in CPython.
    internal void Complete(T result)
    {
        if (Interlocked.Exchange(ref settling, 1) != 0)
        {
            return; // Settled once: a later outcome (a late error, a second delivery) changes nothing.
        }

        value = result;
        Settle(callback is null ? null : () => callback(result));
    }

    internal void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref settling, 1) != 0)
        {
            return;
        }

        error = exception;
        Settle(errorCallback is null ? null : () => errorCallback(exception));
    }

    // Ready even when the callback raises.
    private void Settle(Action? notify)
    {
        try
        {
            notify?.Invoke();
        }
        finally
        {
            done.Set();
        }
    }
}
