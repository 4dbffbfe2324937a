namespace Helpers.Multiprocessing;

/// <summary>
/// A pool of worker processes (Python's <c>multiprocessing.Pool</c>): the workers start once and
/// run task after task, so a task costs a message, not a process start. Use it in a
/// <c>using</c> scope like Python's <c>with Pool(4) as pool:</c>; leaving the scope terminates it.
/// </summary>
/// <remarks>
/// <para>Its calls are <see cref="WorkerPool"/>'s (Python's Pool methods); this class is the back end
/// that runs them in processes.</para>
/// <list type="bullet">
/// <item>Functions are given as a <see cref="Process"/> target is: a method written at the top level
/// of an earlier notebook cell, or a static method in compiled code.</item>
/// <item>A task's exception is raised again in the parent with its type and message; its
/// <see cref="Exception.InnerException"/> is a <see cref="RemoteException"/> with the worker's stack trace.</item>
/// <item>A worker that dies (killed, crashed) fails the task it was running with a
/// <see cref="WorkerLostException"/> within about 0.1 s, and is replaced; the other tasks go on.
/// CPython's Pool hangs forever there.</item>
/// <item>A caller waiting in <c>Get</c> (or <c>Apply</c>, <c>Map</c>) reads the results queue itself, so a
/// result wakes the thread that waits for it: two wake-ups a task where CPython's result handler makes
/// three. Callbacks still run on the pool's result thread, as in CPython.</item>
/// </list>
/// </remarks>
public sealed partial class Pool : WorkerPool
{
    private readonly Queue<byte[]> tasks;
    private readonly Queue<byte[]> results;
    private readonly Array<long> busy;
    private readonly SharedMemory functionMemory;
    private readonly FunctionTable functions;
    private readonly Process?[] workers; // Under Gate.
    private readonly int? maxTasksPerChild;
    private readonly PoolInitializer? initializer;
    private readonly Thread? handler; // Null only while the constructor runs.
    private int workerCount;
    private volatile bool stopping;

    /// <summary>Starts <paramref name="processes"/> workers (Python's default: <see cref="Mp.CpuCount"/>).</summary>
    /// <param name="processes">How many workers; at least 1.</param>
    /// <param name="initializer">Run by each worker once when it starts (a method as a <see cref="Process"/> target).</param>
    /// <param name="initargs">The initializer's arguments.</param>
    /// <param name="maxtasksperchild">After this many tasks a worker exits and a fresh one replaces it; null (Python's None) for never.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processes"/> is less than 1, or <paramref name="maxtasksperchild"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The initializer cannot be run in a worker, or its arguments do not fit it.</exception>
    /// <remarks>Every argument is checked before anything is created: a refused pool leaves nothing behind.</remarks>
    public Pool(int? processes = null, Delegate? initializer = null, object?[]? initargs = null, int? maxtasksperchild = null)
        : base(processes ?? Mp.CpuCount(), "a pool worker")
    {
        var count = Processes;
        if (maxtasksperchild is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxtasksperchild), maxtasksperchild, "maxtasksperchild must be a positive number of tasks, or null for workers that never retire (as Python's None).");
        }

        if (initializer is not null)
        {
            var target = Target.FromDelegate(initializer);
            this.initializer = new PoolInitializer(target.Ref, target.Bind(initargs ?? [], NoKwargs));
        }

        maxTasksPerChild = maxtasksperchild;
        (tasks, results, busy, functionMemory) = Parts.Build(typeof(Pool), parts => (
            parts.Add(new Queue<byte[]>(traced: false)),
            parts.Add(new Queue<byte[]>(traced: false)),
            parts.Add(new Array<long>(count, @lock: false)),
            parts.Add(new SharedMemory(FunctionTable.Size))));
        functions = new FunctionTable(functionMemory);
        workers = new Process?[count];
        try
        {
            for (var slot = 0; slot < count; slot++)
            {
                workers[slot] = StartWorker(slot);
            }
        }
        catch
        {
            StopWorkers(kill: true);
            throw;
        }

        // Not in the caller's interrupt scope: the handler serves the pool, not the cell that made it.
        handler = new Thread(HandleResults) { IsBackground = true, Name = "Pool result handler" };
        handler.UnsafeStart();
        InterruptScope.Started(this);
    }

    /// <summary>The worker processes now (they change when one is replaced).</summary>
    public IReadOnlyList<Process> Workers
    {
        get
        {
            lock (Gate)
            {
                return [.. workers.OfType<Process>()];
            }
        }
    }

    // Under Gate: the function table is written by one thread at a time.
    private protected override PoolFunction Prepare(Target target) => new(target, functions.Add(target));

    private protected override void Enqueue(PoolFunction function, long first, byte[][] tasks)
    {
        foreach (var task in tasks)
        {
            this.tasks.Put(task);
        }
    }
}
