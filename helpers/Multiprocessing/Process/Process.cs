using System.Reflection;

namespace Helpers.Multiprocessing;

/// <summary>
/// A child OS process that runs a C# method: Python's <c>multiprocessing.Process</c>.
/// </summary>
/// <remarks>
/// <para>Two styles, as in Python. Function style: <c>new Process(Work, 1, "a")</c>, where
/// <c>Work</c> is a static method (in compiled code or in an earlier notebook cell). Subclass
/// style: derive from <see cref="Process"/>, set fields in the constructor and override
/// <see cref="Run"/>; the fields travel to the child, as CPython's spawn pickles the object.</para>
/// <para>.NET cannot fork, so every child is spawned: a fresh <c>dotnet</c> process that loads the
/// target's assembly and receives the arguments serialized. Nothing else of the parent's memory
/// is there.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "Python's explicit Close() releases it, and refuses while the child runs; a running child is held by Children until it exits.")]
[Notebook.TypeFormatterSource(typeof(Notebook.ProcessFormatterSource), PreferredMimeTypes = ["text/html"])]
public class Process
{
    private static int counter;

    private readonly Target? target;
    private string identity = "";
    private string name;
    private bool daemon;
    private Popen? popen;
    private bool closed;
    private int? currentPid; // Set on the objects that stand for a running process itself.

    /// <summary>Function style: run <paramref name="target"/> with <paramref name="args"/> in a child process.</summary>
    /// <param name="target">A static method, in compiled code or in an earlier notebook cell.</param>
    /// <param name="args">Positional arguments; they cross to the child by serialization.</param>
    /// <exception cref="ArgumentException">The target cannot run in another process; the message says what to do instead.</exception>
    public Process(Delegate target, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(target);
        this.target = Target.FromDelegate(target);
        Args = args ?? [null];
        (identity, name) = NextIdentity(nameof(Process));
    }

    /// <summary>Subclass style: override <see cref="Run"/>; the subclass's fields are carried to the child.</summary>
    /// <exception cref="ArgumentException">The subclass cannot be loaded by a child (for example, it is defined in the cell that is running).</exception>
    protected Process()
    {
        Target.CheckLoadable(GetType());
        Args = [];
        (identity, name) = NextIdentity(GetType().Name);
    }

    // A function-style process rebuilt in the child, its arguments already bound.
    internal Process(Target target, object?[] boundArgs)
    {
        this.target = target;
        Args = boundArgs;
        name = "";
    }

    // The current process of a main program, or of a child before its object arrives.
    private Process(string name, int pid)
    {
        Args = [];
        this.name = name;
        currentPid = pid;
    }

    /// <summary>Python's <c>name</c>: <c>Process-1</c>, <c>Process-2</c>, … unless set.</summary>
    public string Name
    {
        get => name;
        set => name = value ?? throw new ArgumentNullException(nameof(value), "A process name cannot be null.");
    }

    /// <summary>
    /// Python's <c>daemon</c>: a daemon child is terminated when its parent exits normally; the parent
    /// waits for a non-daemon child. Set it before <see cref="Start"/>.
    /// </summary>
    public bool Daemon
    {
        get => daemon;
        set
        {
            if (popen is not null)
            {
                throw new InvalidOperationException("Daemon can only be set before Start().");
            }

            daemon = value;
        }
    }

    /// <summary>Python's <c>args</c>: the positional arguments of the target.</summary>
    public IReadOnlyList<object?> Args { get; private set; }

    /// <summary>
    /// Python's <c>kwargs</c>: arguments by parameter name, e.g. <c>new Process(F) { Kwargs = { ["n"] = 3 } }</c>.
    /// Parameters given neither here nor in <see cref="Args"/> take their default values.
    /// </summary>
    public Dictionary<string, object?> Kwargs { get; private set; } = [];

    /// <summary>Python's <c>pid</c>: the OS process id, or <see langword="null"/> before <see cref="Start"/>.</summary>
    public int? Pid
    {
        get
        {
            CheckNotClosed();
            return currentPid ?? popen?.Pid;
        }
    }

    /// <summary>
    /// Python's <c>exitcode</c>: <see langword="null"/> while running (or before start); 0 on success;
    /// 1 after an unhandled exception; the code given to <see cref="Environment.Exit(int)"/>;
    /// −N when killed by signal N (<see cref="Terminate"/> gives −15, <see cref="Kill"/> −9).
    /// </summary>
    public int? ExitCode
    {
        get
        {
            CheckNotClosed();
            return popen?.Poll();
        }
    }

    /// <summary>Python's <c>is_alive()</c>: started and not yet exited.</summary>
    public bool IsAlive
    {
        get
        {
            CheckNotClosed();
            if (ReferenceEquals(this, Mp.CurrentProcess()))
            {
                return true;
            }

            return popen is not null && popen.Poll() is null;
        }
    }

    /// <summary>Python's <c>start()</c>: spawn the child and return at once.</summary>
    /// <exception cref="InvalidOperationException">Already started, or closed.</exception>
    /// <exception cref="ArgumentException">An argument cannot be bound to the target or cannot cross to another process.</exception>
    public void Start()
    {
        CheckNotClosed();
        if (popen is not null)
        {
            throw new InvalidOperationException($"{Name} has already been started; a process can be started only once.");
        }

        if (currentPid is not null)
        {
            throw new InvalidOperationException($"{Name} is the current process; it cannot be started.");
        }

        Children.Reap();
        var asked = System.Diagnostics.Stopwatch.GetTimestamp();
        var request = Spawn.Prepare(this, target);
        popen = Mp.StartChild(request, this);
        if (request.Timeline is { } timeline && Tracing.Recorder.Current is { } recorder)
        {
            recorder.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.Asked, timeline.StartId, popen.Pid, ticks: asked);
        }

        Children.Add(this);
        InterruptScope.Started(this);
    }

    /// <summary>
    /// Python's <c>join(timeout=None)</c>: waits until the child exits, at most <paramref name="timeout"/>
    /// seconds (forever if null; a negative timeout only polls, as in Python); returns either way.
    /// Check <see cref="ExitCode"/> or <see cref="IsAlive"/> to know whether the child finished.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started, the current process, or closed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is NaN or infinite.</exception>
    public void Join(double? timeout = null) => Join(Deadline.ToTimeSpan(timeout));

    /// <summary>
    /// <see cref="Join(double?)"/> with a <see cref="TimeSpan"/>: <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits for ever, another negative span only polls.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started, the current process, or closed.</exception>
    public void Join(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            timeout = TimeSpan.Zero;
        }

        CheckNotClosed();
        if (currentPid is not null)
        {
            throw new InvalidOperationException("A process cannot join itself; Join() waits for a child process.");
        }

        if (popen is null)
        {
            throw new InvalidOperationException($"{Name} has not been started; call Start() before Join().");
        }

        if (InterruptScope.Wait(t => popen.Wait(t) is not null, timeout, $"{Name} to end (Join)"))
        {
            Children.Remove(this);
        }
    }

    /// <summary>
    /// Python's <c>sentinel</c>: a task that completes when the child has ended, to wait on several
    /// things at once with <see cref="Connection.Wait"/> or .NET's own <see cref="Task.WhenAny(Task[])"/>.
    /// It is one object for the life of the process, the same on every access, so that ready sentinels
    /// map back to their processes: <c>bySentinel = procs.ToDictionary(p =&gt; p.Sentinel)</c>, then
    /// <c>Connection.Wait(bySentinel.Keys)</c>, as Python code does with <c>{p.sentinel: p for p in procs}</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started yet (Python's ValueError).</exception>
    public Task Sentinel => StartedPopen().Exited;

    /// <summary>Python's <c>terminate()</c>: ask the child to stop (SIGTERM on Unix, TerminateProcess on Windows).</summary>
    public void Terminate() => StartedPopen().Terminate();

    /// <summary>Python's <c>kill()</c>: stop the child at once (SIGKILL on Unix, TerminateProcess on Windows).</summary>
    public void Kill() => StartedPopen().Kill();

    /// <summary>
    /// Python's <c>close()</c>: release the child's OS resources. Only a process that has exited
    /// (or never started) can be closed; afterwards most members throw.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child is still running: Join() or Terminate() it first.</exception>
    public void Close()
    {
        if (closed)
        {
            return;
        }

        if (popen is not null)
        {
            if (popen.Poll() is null)
            {
                throw new InvalidOperationException(
                    $"Cannot close {Name} while it is still running; call Join() or Terminate() first.");
            }

            popen.Dispose();
            Children.Remove(this);
        }

        closed = true;
    }

    /// <summary>
    /// Python's <c>run()</c>: what the child executes. The default calls the target with its arguments;
    /// override it in a subclass. Calling it directly runs it in the current process.
    /// </summary>
    public virtual void Run()
    {
        if (target is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} has no target: pass one to the constructor, or override Run() in a subclass.");
        }

        target.Invoke(Args, Kwargs);
    }

    /// <summary>A short description, as Python's repr: name, pid and state.</summary>
    public override string ToString()
    {
        if (closed)
        {
            return $"<{GetType().Name} name='{Name}' closed>";
        }

        var state = currentPid is not null ? "started" : popen is null ? "initial" : ExitCode switch
        {
            null => "started",
            var code => $"stopped exitcode={code}",
        };
        var pid = Pid is { } p ? $" pid={p}" : "";
        return $"<{GetType().Name} name='{Name}'{pid} {state}{(Daemon ? " daemon" : "")}>";
    }

    /// <summary>The object that stands for the current process: the main program's, or a child's own.</summary>
    internal static Process ForCurrent(string name, int pid) => new(name, pid);

    /// <summary>Restores the name and daemon flag the parent gave a child, in the child.</summary>
    /// A subclass object arrives without running any constructor (as pickle does), so the base
    /// class's own state is set here.
    internal void AdoptIdentity(string childIdentity, string childName, bool childDaemon, int pid)
    {
        identity = childIdentity;
        name = childName;
        Args ??= [];
        Kwargs ??= [];
        daemon = childDaemon;
        currentPid = pid;
    }

    /// <summary>Used by the exit handler and by <see cref="Mp.ActiveChildren"/>.</summary>
    internal Popen? Popen => popen;

    /// <summary>Python's <c>_identity</c>, as text: "2" for a main program's second child, "2:1" for that child's first.</summary>
    internal string Identity => identity;

    // Python numbers processes per parent and names them after the whole path: Process-2:1.
    private static (string Identity, string Name) NextIdentity(string prefix)
    {
        var n = Interlocked.Increment(ref counter);
        var id = ChildMain.Identity is { } parent ? $"{parent}:{n}" : $"{n}";
        return (id, $"{prefix}-{id}");
    }

    private Popen StartedPopen()
    {
        CheckNotClosed();
        return popen ?? throw new InvalidOperationException($"{Name} has not been started.");
    }

    private void CheckNotClosed()
    {
        if (closed)
        {
            throw new InvalidOperationException($"{Name} is closed; a closed process object cannot be used.");
        }
    }
}
