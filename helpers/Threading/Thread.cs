using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Helpers.Multiprocessing;

namespace Helpers.Threading;

/// <summary>
/// A thread shaped like Python's <c>threading.Thread</c>: a target with arguments, or a subclass
/// that overrides <see cref="Run"/>; <see cref="Start"/>, <see cref="Join(double?)"/> with a timeout,
/// <see cref="IsAlive"/>, <see cref="Name"/>, <see cref="Daemon"/>. .NET's own
/// <see cref="System.Threading.Thread"/> is sealed, so it cannot be subclassed as Python's can.
/// In a notebook, write <c>threading.Thread</c> (with <c>using threading = Helpers.Threading;</c>).
/// </summary>
/// <remarks>
/// As in Python, an exception that escapes <see cref="Run"/> is printed to standard error with the
/// thread's name, and ends only this thread. (An unhandled exception in a plain .NET thread ends
/// the whole process: in a notebook, the kernel.)
/// </remarks>
public class Thread
{
    private static int counter;
    private readonly Delegate? target;
    private readonly object?[] args;
    private System.Threading.Thread? thread;
    private bool daemon;
    private string name;
    private int number; // this thread's N in "Thread-N" while its name is still the default

    /// <summary>Python's <c>Thread(target=f, args=(…))</c>: runs <paramref name="target"/> with <paramref name="args"/>.</summary>
    /// <param name="target">Any delegate: a method, a local function or a lambda (a thread shares this process's memory).</param>
    /// <param name="args">Its arguments.</param>
    public Thread(Delegate target, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(target);
        (this.target, this.args) = (target, args ?? [null]);
        number = Interlocked.Increment(ref counter);
        name = $"Thread-{number.ToString(CultureInfo.InvariantCulture)} ({DisplayName(target.Method)})";
    }

    /// <summary>For a subclass that overrides <see cref="Run"/> (Python's <c>class MyThread(Thread)</c>).</summary>
    protected Thread()
    {
        args = [];
        // CPython names a subclass's instance "Thread-N" too, not after its class.
        number = Interlocked.Increment(ref counter);
        name = $"Thread-{number.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The thread's name (Python's <c>name</c>): unless given, "Thread-N (target)", or "Thread-N" for a subclass's instance, as CPython 3.10 and later name them; also the .NET thread's name, seen in debuggers.</summary>
    public string Name
    {
        get => name;
        set
        {
            ArgumentNullException.ThrowIfNull(value);

            // CPython numbers only the threads it names: a name given at once (an object initializer)
            // gives the number back, unless another thread has taken the next one meanwhile.
            if (number > 0 && thread is null)
            {
                _ = Interlocked.CompareExchange(ref counter, number - 1, number);
                number = 0;
            }

            name = value;
        }
    }

    /// <summary>
    /// Python's <c>daemon</c>: a daemon thread does not keep the process alive (.NET's
    /// <see cref="System.Threading.Thread.IsBackground"/>). Set it before <see cref="Start"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/>.</exception>
    public bool Daemon
    {
        get => daemon;
        set => daemon = thread is null ? value : throw new InvalidOperationException("Daemon cannot be set on a thread that has started.");
    }

    /// <summary>Python's <c>is_alive()</c>: started and not yet finished.</summary>
    public bool IsAlive => thread?.IsAlive == true;

    /// <summary>Python's <c>ident</c>: .NET's managed thread id once started (a number unique among the live threads), else null.</summary>
    public int? Ident => thread?.ManagedThreadId;

    /// <summary>Python's <c>start()</c>: runs <see cref="Run"/> on a new thread.</summary>
    /// <exception cref="InvalidOperationException">It has already been started (Python: "threads can only be started once").</exception>
    public void Start()
    {
        if (thread is not null)
        {
            throw new InvalidOperationException("A thread can only be started once.");
        }

        thread = new System.Threading.Thread(Bootstrap) { Name = Name, IsBackground = daemon };
        thread.Start();
    }

    /// <summary>Python's <c>run()</c>: what the thread does; by default, calls the target with the arguments.</summary>
    public virtual void Run()
    {
        try
        {
            target?.DynamicInvoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
        }
    }

    /// <summary>
    /// Python's <c>join(timeout=None)</c>: waits until the thread ends, or at most
    /// <paramref name="timeout"/> seconds; then check <see cref="IsAlive"/>, as in Python.
    /// </summary>
    /// <exception cref="InvalidOperationException">The thread has not been started, or a thread joins itself.</exception>
    public void Join(double? timeout = null)
    {
        if (thread is null)
        {
            throw new InvalidOperationException("Cannot join a thread before it is started.");
        }

        if (thread == System.Threading.Thread.CurrentThread)
        {
            throw new InvalidOperationException("A thread cannot join itself: it would wait forever.");
        }

        _ = InterruptScope.Wait(thread.Join, Deadline.ToTimeSpan(timeout), $"{Name} to end (Join)");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"<{GetType().Name}({Name}, {(thread is null ? "initial" : thread.IsAlive ? "started" : "stopped")}{(daemon ? " daemon" : "")})>";

    // A lambda is "<lambda>", as in Python; a local function keeps its own name.
    private static string DisplayName(MethodInfo method) =>
        method.Name.Contains(">b__", StringComparison.Ordinal) ? "<lambda>" : Target.DisplayNameOf(method);

    private void Bootstrap()
    {
        var recorder = Tracing.Recorder.Current;
        recorder?.Record(Tracing.EventKind.Thread, Tracing.EventPhase.Begin, Name);
        try
        {
            Run();
        }
#pragma warning disable CA1031 // Python's threading.excepthook: report and end this thread only.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Python prints "Exception in thread NAME:" and the traceback, from the target down.
            Console.Error.WriteLine($"Exception in thread {Name}:");
            Console.Error.WriteLine(Traceback.Format(e, "at Helpers.Threading.Thread."));
        }
        finally
        {
            recorder?.Record(Tracing.EventKind.Thread, Tracing.EventPhase.End, Name);
        }
    }
}
