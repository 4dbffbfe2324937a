namespace Helpers.Multiprocessing;

/// <summary>
/// What Ctrl+C is to a Python program in a terminal. While a scope is entered, every blocking call of
/// the helpers made in it (also on the threads and tasks it starts) ends soon after its token's
/// cancellation (waits look every tenth of a second) with a <see cref="KeyboardInterruptException"/>,
/// once the processes and pools started in it are stopped, as Ctrl+C stops a terminal's process group.
/// </summary>
/// <remarks>
/// <para>
/// In a notebook, each cell runs in a scope of its own with the cell's cancellation, so the stop
/// button (VS Code's, or Jupyter's Interrupt with the project's kernelspec) ends a cell blocked in
/// <c>Join</c>, <c>Map</c>, <c>Get</c>, <c>Acquire</c>, … and the next cell runs at once. A console
/// program can do the same with its own token:
/// <code>
/// using var cts = new CancellationTokenSource();
/// Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
/// using var scope = InterruptScope.Enter(cts.Token);
/// </code>
/// Outside a scope nothing changes: waits are not cut into slices and nothing is stopped.
/// </para>
/// <para>
/// Shared objects stay valid after an interrupt: a lock held by a child that was terminated is
/// reclaimed by its next waiter (<see cref="AbandonedLockException"/>), as for any child that dies.
/// </para>
/// </remarks>
public sealed class InterruptScope : IDisposable
{
    // How long a wait sleeps before it looks at the token again.
    internal static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    // Stopping a child: SIGTERM, then this long for it to go, then SIGKILL.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private static readonly AsyncLocal<InterruptScope?> CurrentScope = new();

    // >0 on a thread that must finish what it does whatever the token (putting a condition's lock back).
    [ThreadStatic]
    private static int uninterruptible;

    private readonly InterruptScope? outer;
    private readonly CancellationTokenRegistration registration;
    private readonly System.Threading.Lock gate = new();
    private readonly List<object> started = [];
    private readonly List<string> stopped = [];
    private readonly int owner = Environment.CurrentManagedThreadId; // The thread that entered: the cell's own.
    private Task? stopping;
    private KeyboardInterruptException? thrown;
    private volatile bool ended;
    private volatile bool interrupted;

    private InterruptScope(InterruptScope? outer, CancellationToken token)
    {
        Token = token;
        this.outer = outer;

        // Runs on the canceller's thread, so it only starts the stopping (which waits for children)
        // on a task of its own; unsafe: the canceller's context, not this scope's, flows into it.
        registration = token.UnsafeRegister(static s => ((InterruptScope)s!).BeginStopping(), this);
    }

    /// <summary>
    /// Enters a scope that <paramref name="token"/> interrupts, on this flow of execution (and what it
    /// starts) until <see cref="Dispose"/>; the scope it replaces comes back then.
    /// </summary>
    /// <param name="token">Cancelling it interrupts the scope.</param>
    /// <returns>The scope; dispose it when the work it covers ends.</returns>
    public static InterruptScope Enter(CancellationToken token)
    {
        var scope = new InterruptScope(CurrentScope.Value, token);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>
    /// The scope the calling code runs in, or <see langword="null"/> outside any. A thread started in a
    /// scope stays in it after the scope ends only if the scope was interrupted: its next wait then ends
    /// too, as Ctrl+C reaches everything a terminal's command started.
    /// </summary>
    public static InterruptScope? Current => CurrentScope.Value is { } scope && (!scope.ended || scope.interrupted) ? scope : null;

    /// <summary>The token whose cancellation interrupts this scope.</summary>
    public CancellationToken Token { get; }

    /// <summary>True once the token was cancelled while the scope lasted (a cancellation after <see cref="Dispose"/> interrupts nothing).</summary>
    public bool IsInterrupted => interrupted;

    /// <summary>What the interrupt stopped so far, one line each: processes terminated, pools terminated.</summary>
    public IReadOnlyList<string> Stopped
    {
        get
        {
            lock (gate)
            {
                return [.. stopped];
            }
        }
    }

    /// <summary>
    /// What the interrupt did, in a sentence or two: the wait it ended (the first one, if several)
    /// and what it stopped; for a scope whose code was interrupted outside any helpers wait, only
    /// what it stopped. Call it once the interrupted code has ended.
    /// </summary>
    public string Report()
    {
        if (!interrupted)
        {
            return "Not interrupted.";
        }

        FinishStopping(null);
        var stoppedNow = Stopped;
        return thrown is { } first
            ? KeyboardInterruptException.Describe(first.WaitingFor, stoppedNow)
            : "Interrupted." + (stoppedNow.Count == 0 ? "" : $" Stopped: {string.Join("; ", stoppedNow)}.");
    }

    /// <summary>True once a wait in this scope has thrown its <see cref="KeyboardInterruptException"/>.</summary>
    internal bool ThrewInterrupt => thrown is not null;

    /// <summary>Leaves the scope: its token no longer interrupts anything, and the outer scope is current again.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            ended = true; // From now on a cancellation interrupts nothing (the kernel cancels finished cells too).
        }

        registration.Dispose();
        if (CurrentScope.Value == this)
        {
            CurrentScope.Value = outer;
        }
    }

    /// <summary>Remembers a child process started in the current scope, to stop it on an interrupt.</summary>
    internal static void Started(object processOrPool)
    {
        if (Current is { } scope)
        {
            lock (scope.gate)
            {
                scope.started.Add(processOrPool);
            }
        }
    }

    /// <summary>
    /// Throws <see cref="KeyboardInterruptException"/> if the current scope is interrupted, once what it
    /// started is stopped, and <paramref name="stopWaitedOn"/> has stopped what the call waits on (a
    /// pool: it returns what it stopped, or null if that was stopped already).
    /// </summary>
    internal static void ThrowIfInterrupted(string waitingFor, Func<string?>? stopWaitedOn = null)
    {
        if (uninterruptible > 0 || Current is not { IsInterrupted: true } scope)
        {
            return;
        }

        scope.FinishStopping(stopWaitedOn);
        var interrupt = new KeyboardInterruptException(waitingFor, scope.Stopped, scope.Token);
        if (scope.thrown is null || Environment.CurrentManagedThreadId == scope.owner)
        {
            scope.thrown = interrupt; // The report names the wait of the scope's own thread, if it had one.
        }

        throw interrupt;
    }

    /// <summary>
    /// Runs <paramref name="wait"/> (which waits at most the span it is given and says whether what it
    /// waited for happened) for up to <paramref name="timeout"/> in all; inside an interruptible scope,
    /// in slices, looking at the token between them. For waits that only watch (a process's end, a
    /// result): if the interrupt came meanwhile it wins, since it may be what ended the wait (it
    /// terminates the children), as Python's KeyboardInterrupt does over a wait that ends at that moment.
    /// </summary>
    internal static bool Wait(Func<TimeSpan, bool> wait, TimeSpan timeout, string waitingFor, Func<string?>? stopWaitedOn = null) =>
        Sliced(wait, timeout, waitingFor, stopWaitedOn, takes: false);

    /// <summary>
    /// <see cref="Wait"/> for waits that take something (a semaphore's unit, a monitor): once taken it
    /// is returned, never dropped by an interrupt that came meanwhile.
    /// </summary>
    internal static bool Take(Func<TimeSpan, bool> take, TimeSpan timeout, string waitingFor) =>
        Sliced(take, timeout, waitingFor, null, takes: true);

    private static bool Sliced(Func<TimeSpan, bool> wait, TimeSpan timeout, string waitingFor, Func<string?>? stopWaitedOn, bool takes)
    {
        if (uninterruptible > 0 || Current is not { Token.CanBeCanceled: true })
        {
            return wait(timeout);
        }

        var deadline = Deadline.After(timeout);
        while (true)
        {
            ThrowIfInterrupted(waitingFor, stopWaitedOn);
            if (wait(deadline.RemainingAtMost(Slice)))
            {
                if (!takes)
                {
                    ThrowIfInterrupted(waitingFor, stopWaitedOn);
                }

                return true;
            }

            if (deadline.HasPassed)
            {
                return false;
            }
        }
    }

    /// <summary>The time a wait of at most <paramref name="remaining"/> should sleep before it looks at the token again.</summary>
    internal static TimeSpan NextSlice(TimeSpan remaining) =>
        uninterruptible > 0 || Current is not { Token.CanBeCanceled: true } || (remaining != Timeout.InfiniteTimeSpan && remaining < Slice) ? remaining : Slice;

    /// <summary>While the returned value is not disposed, this thread's waits ignore interrupts.</summary>
    internal static Uninterruptible Suspend()
    {
        uninterruptible++;
        return default;
    }

    private void BeginStopping()
    {
        lock (gate)
        {
            if (ended || stopping is not null)
            {
                return;
            }

            interrupted = true;
            // Without this scope's context, so that the stopping's own joins are not interrupted.
            using (ExecutionContext.SuppressFlow())
            {
                stopping = Task.Run(StopStarted);
            }
        }
    }

    private void FinishStopping(Func<string?>? stopWaitedOn)
    {
        BeginStopping();
        Task? task;
        lock (gate)
        {
            task = stopping;
        }

        // Each child gets Grace to go before it is killed; Kill does not wait.
        _ = task?.Wait(Grace * 3);
        using (Suspend()) // Terminating joins the workers: those joins are part of the stop.
        {
            if (stopWaitedOn?.Invoke() is { } line)
            {
                Record(line);
            }
        }
    }

    private void StopStarted()
    {
        object[] all;
        lock (gate)
        {
            all = [.. started];
        }

        // Pools first: terminating one ends its workers, which are among the processes started.
        foreach (var pool in all.OfType<Pool>())
        {
            if (pool.TerminateOnInterrupt() is { } line)
            {
                Record(line);
            }
        }

        foreach (var process in all.OfType<Process>())
        {
            try
            {
                if (!process.IsAlive)
                {
                    continue;
                }

                var pid = process.Pid;
                process.Terminate();
                process.Join(Grace);
                if (process.IsAlive)
                {
                    process.Kill();
                    process.Join(Grace);
                }

                Record($"{process.Name} (pid {pid}) {(process.IsAlive ? "still running after SIGKILL" : $"terminated, exit code {process.ExitCode}")}");
            }
            catch (InvalidOperationException)
            {
                // Closed by the cell meanwhile: nothing to stop.
            }
        }
    }

    private void Record(string line)
    {
        lock (gate)
        {
            stopped.Add(line);
        }
    }

    /// <summary>Ends <see cref="Suspend"/>.</summary>
    internal readonly struct Uninterruptible : IDisposable
    {
        /// <summary>This thread's waits may be interrupted again.</summary>
        public void Dispose() => uninterruptible--;
    }
}
