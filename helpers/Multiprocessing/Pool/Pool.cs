namespace Helpers.Multiprocessing;

/// <summary>
/// A pool of worker processes (Python's <c>multiprocessing.Pool</c>): the workers start once and
/// run task after task, so a task costs a message, not a process start. Use it in a
/// <c>using</c> scope like Python's <c>with Pool(4) as pool:</c>; leaving the scope terminates it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Functions are given as a <see cref="Process"/> target is: a method written at the top level
/// of an earlier notebook cell, or a static method in compiled code.</item>
/// <item>A task's exception is raised again in the parent with its type and message; its
/// <see cref="Exception.InnerException"/> is a <see cref="RemoteException"/> with the worker's stack trace.</item>
/// <item>A worker that dies (killed, crashed) fails the task it was running with a
/// <see cref="WorkerLostException"/> within about 0.1 s, and is replaced; the other tasks go on.
/// CPython's Pool hangs forever there.</item>
/// </list>
/// </remarks>
public sealed partial class Pool : IDisposable
{
    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>();
    private readonly object gate = new(); // Monitor: Join and the result thread wait and pulse on it.
    private readonly Queue<byte[]> tasks;
    private readonly Queue<byte[]> results;
    private readonly Array<long> busy;
    private readonly SharedMemory functionMemory;
    private readonly FunctionTable functions;
    private readonly Dictionary<(System.Reflection.MethodInfo, object?), (Target Target, int Id)> functionIds = [];
    private readonly Dictionary<long, (Job Job, int Chunk)> pending = [];
    private readonly Process?[] workers;
    private readonly int? maxTasksPerChild;
    private readonly PoolInitializer? initializer;
    private readonly Thread? handler; // Null only while the constructor runs.
    private long nextTaskId;
    private int workerCount;
    private PoolState state = PoolState.Running;
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
    {
        var count = processes ?? Mp.CpuCount();
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(processes), processes, "A pool needs at least one process (Python: 'Number of processes must be at least 1').");
        }

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
            parts.Add(new Queue<byte[]>()),
            parts.Add(new Queue<byte[]>()),
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

    private enum PoolState
    {
        Running,
        Closed,
        Terminated,
    }

    /// <summary>How many workers the pool keeps.</summary>
    public int Processes => workers.Length;

    /// <summary>The worker processes now (they change when one is replaced).</summary>
    public IReadOnlyList<Process> Workers
    {
        get
        {
            lock (gate)
            {
                return [.. workers.OfType<Process>()];
            }
        }
    }

    /// <summary>Python's <c>apply(f)</c>: runs <paramref name="func"/> in a worker and waits for its result.</summary>
    public TResult Apply<TResult>(Func<TResult> func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply(f, (a,))</c>.</summary>
    public TResult Apply<T1, TResult>(Func<T1, TResult> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply(f, (a, b))</c>.</summary>
    public TResult Apply<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2) => ApplyAsync(func, arg1, arg2).Get();

    /// <summary>Python's <c>apply(f, (a, b, c))</c>.</summary>
    public TResult Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3) => ApplyAsync(func, arg1, arg2, arg3).Get();

    /// <summary>Python's <c>apply(f)</c> for a function that returns nothing (<c>def f(): ...</c>): runs it in a worker and waits until it is done.</summary>
    public void Apply(Action func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply(f, (a,))</c> for a function that returns nothing.</summary>
    public void Apply<T1>(Action<T1> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply(f, (a, b))</c> for a function that returns nothing.</summary>
    public void Apply<T1, T2>(Action<T1, T2> func, T1 arg1, T2 arg2) => ApplyAsync(func, arg1, arg2).Get();

    /// <summary>Python's <c>apply(f, (a, b, c))</c> for a function that returns nothing.</summary>
    public void Apply<T1, T2, T3>(Action<T1, T2, T3> func, T1 arg1, T2 arg2, T3 arg3) => ApplyAsync(func, arg1, arg2, arg3).Get();

    /// <summary>
    /// Python's <c>apply_async(f)</c> for a function that returns nothing: <c>Get()</c> returns null
    /// (Python's None) once it is done, or raises its exception; the callback gets null.
    /// </summary>
    public AsyncResult<object?> ApplyAsync(Action func, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a,))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1>(Action<T1> func, T1 arg1, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1, T2>(Action<T1, T2> func, T1 arg1, T2 arg2, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b, c))</c> for a function that returns nothing.</summary>
    public AsyncResult<object?> ApplyAsync<T1, T2, T3>(Action<T1, T2, T3> func, T1 arg1, T2 arg2, T3 arg3, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2, arg3], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, callback=..., error_callback=...)</c>: sends the task and returns at once.</summary>
    public AsyncResult<TResult> ApplyAsync<TResult>(Func<TResult> func, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a,), callback=..., error_callback=...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> func, T1 arg1, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b), ...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2], callback, errorCallback);

    /// <summary>Python's <c>apply_async(f, (a, b, c), ...)</c>.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        Submit(func, [arg1, arg2, arg3], callback, errorCallback);

    /// <summary>
    /// Python's <c>map(f, iterable, chunksize)</c>: calls <paramref name="func"/> on every item in the
    /// workers and returns the results in the items' order. Items go in chunks (by default about four
    /// per worker), so that tiny calls cost little each.
    /// </summary>
    /// <exception cref="Exception">The first exception a call raised, with its type.</exception>
    public List<TResult> Map<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null) =>
        MapAsync(func, items, chunksize).Get();

    /// <summary>Python's <c>map_async</c>: <see cref="Map"/> without waiting.</summary>
    public AsyncResult<List<TResult>> MapAsync<T, TResult>(
        Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null, Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitMap<T, TResult>(func, items, chunksize, callback, errorCallback).Result;

    /// <summary>Python's <c>starmap(f, [(a, b), …])</c>: each tuple's items are the arguments of one call.</summary>
    public List<TResult> Starmap<T1, T2, TResult>(Func<T1, T2, TResult> func, IEnumerable<(T1, T2)> items, int? chunksize = null) =>
        SubmitStarmap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2 }), chunksize).Result.Get();

    /// <summary>Python's <c>starmap(f, [(a, b, c), …])</c>.</summary>
    public List<TResult> Starmap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, IEnumerable<(T1, T2, T3)> items, int? chunksize = null) =>
        SubmitStarmap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2, i.Item3 }), chunksize).Result.Get();

    /// <summary>Python's <c>imap(f, iterable, chunksize=1)</c>: the results in order, each as soon as it and those before it are done.</summary>
    public IEnumerable<TResult> Imap<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<T, TResult>(func, items, chunksize, null, null).InOrder();

    /// <summary>Python's <c>imap_unordered</c>: the results as they are done, in any order.</summary>
    public IEnumerable<TResult> ImapUnordered<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<T, TResult>(func, items, chunksize, null, null).AsDone();

    /// <summary>Python's <c>close()</c>: no more tasks; the workers finish the ones sent and then exit.</summary>
    public void Close()
    {
        lock (gate)
        {
            if (state == PoolState.Running)
            {
                state = PoolState.Closed;
            }
        }
    }

    /// <summary>
    /// Python's <c>join()</c>: after <see cref="Close"/>, waits until every task is done and the workers
    /// have exited (after <see cref="Terminate"/>, until they are gone).
    /// </summary>
    /// <returns>False if <paramref name="timeout"/> seconds passed first.</returns>
    /// <exception cref="InvalidOperationException">The pool is still running: call Close() or Terminate() first.</exception>
    public bool Join(double? timeout = null)
    {
        var deadline = Deadline.After(timeout);
        lock (gate)
        {
            if (state == PoolState.Running)
            {
                throw new InvalidOperationException("Join() needs a closed pool: call Close() (or Terminate()) first, as in Python.");
            }
        }

        while (true)
        {
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    break;
                }

                if (deadline.HasPassed)
                {
                    return false;
                }

                Monitor.Wait(gate, deadline.RemainingAtMost(InterruptScope.NextSlice(TimeSpan.FromSeconds(1))));
            }

            // Outside the lock, which terminating takes.
            InterruptScope.ThrowIfInterrupted("the pool's tasks to finish (Join)", TerminateOnInterrupt);
        }

        StopWorkers(kill: false);
        return true;
    }

    /// <summary>
    /// Python's <c>terminate()</c>: stops the workers at once; tasks not done fail with an
    /// <see cref="InvalidOperationException"/>. Returns promptly however many tasks are pending.
    /// </summary>
    public void Terminate()
    {
        List<Job> orphans;
        lock (gate)
        {
            if (state == PoolState.Terminated)
            {
                return;
            }

            state = PoolState.Terminated;
            orphans = [.. pending.Values.Select(p => p.Job).Distinct()];
            pending.Clear();
            Monitor.PulseAll(gate);
        }

        StopWorkers(kill: true);
        foreach (var job in orphans)
        {
            job.Fail(new InvalidOperationException("The pool was terminated before this task finished."));
        }
    }

    /// <summary>Terminates the pool for an interrupt (<see cref="InterruptScope"/>); says so, or null if it was terminated already.</summary>
    internal string? TerminateOnInterrupt()
    {
        lock (gate)
        {
            if (state == PoolState.Terminated)
            {
                return null;
            }
        }

        Terminate();
        return $"Pool(processes={Processes}) terminated";
    }

    /// <summary>Leaving a <c>using</c> scope terminates the pool, as Python's <c>with</c> does.</summary>
    public void Dispose() => Terminate();

    /// <inheritdoc/>
    public override string ToString()
    {
        lock (gate)
        {
            return $"<Pool(processes={Processes}, state={state}, pending={pending.Count})>";
        }
    }

    private AsyncResult<TResult> Submit<TResult>(Delegate func, object?[] args, Action<TResult>? callback, Action<Exception>? errorCallback)
    {
        var (target, id) = FunctionOf(func);
        var bound = target.Bind(args, NoKwargs);
        var job = new ApplyJob<TResult>(target.Method.ReturnType, new AsyncResult<TResult>(callback, errorCallback, TerminateOnInterrupt));
        Send(target, id, [(1, PoolMessages.Columns(target.ParameterTypes, [bound]))], job);
        return job.Result;
    }

    // Items of one parameter go as they are, a T[] per chunk: no boxing, one serializer call a chunk.
    private MapJob<TResult> SubmitMap<T, TResult>(Delegate func, IEnumerable<T> items, int? chunksize, Action<List<TResult>>? callback, Action<Exception>? errorCallback)
    {
        ArgumentNullException.ThrowIfNull(items);
        var (target, id) = FunctionOf(func);
        var all = items as IReadOnlyList<T> ?? [.. items];
        var chunks = all.Chunk(ChunkSize(all.Count, chunksize)).Select(c => (c.Length, new Array[] { c })).ToList();
        return SendMap(target, id, chunks, callback, errorCallback);
    }

    private MapJob<TResult> SubmitStarmap<TResult>(Delegate func, IEnumerable<object?[]> calls, int? chunksize)
    {
        var (target, id) = FunctionOf(func);
        var all = calls.Select(c => target.Bind(c, NoKwargs)).ToList();
        var chunks = all.Chunk(ChunkSize(all.Count, chunksize)).Select(c => (c.Length, PoolMessages.Columns(target.ParameterTypes, c))).ToList();
        return SendMap<TResult>(target, id, chunks, null, null);
    }

    private MapJob<TResult> SendMap<TResult>(Target target, int id, List<(int, Array[])> chunks, Action<List<TResult>>? callback, Action<Exception>? errorCallback)
    {
        var job = new MapJob<TResult>(target.Method.ReturnType, chunks.Count, new AsyncResult<List<TResult>>(callback, errorCallback, TerminateOnInterrupt));
        if (chunks.Count == 0)
        {
            job.Result.Complete([]);
        }
        else
        {
            Send(target, id, chunks, job);
        }

        return job;
    }

    // Python's default: about four chunks per worker.
    private int ChunkSize(int items, int? chunksize) => chunksize switch
    {
        < 1 => throw new ArgumentOutOfRangeException(nameof(chunksize), chunksize, "A chunk holds at least one item."),
        { } size => size,
        null => Math.Max(1, (items + (Processes * 4) - 1) / (Processes * 4)),
    };

    private (Target Target, int Id) FunctionOf(Delegate func)
    {
        ArgumentNullException.ThrowIfNull(func);
        lock (gate)
        {
            CheckRunning();
            if (functionIds.TryGetValue((func.Method, func.Target), out var known))
            {
                return known;
            }

            var target = Target.FromDelegate(func);
            var entry = (target, functions.Add(target));
            functionIds[(func.Method, func.Target)] = entry;
            return entry;
        }
    }

    // Every chunk is encoded before any is sent: an argument that cannot cross fails the call here,
    // and nothing of it is left pending.
    private void Send(Target target, int function, List<(int Count, Array[] Columns)> chunks, Job job)
    {
        long first;
        lock (gate)
        {
            CheckRunning();
            first = nextTaskId + 1;
            nextTaskId += chunks.Count;
            for (var i = 0; i < chunks.Count; i++)
            {
                pending[first + i] = (job, i);
            }
        }

        var messages = new byte[chunks.Count][];
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                messages[i] = PoolMessages.EncodeTask(first + i, function, target.ParameterTypes, chunks[i].Count, chunks[i].Columns);
            }
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            lock (gate)
            {
                for (var i = 0; i < chunks.Count; i++)
                {
                    pending.Remove(first + i);
                }
            }

            throw new ArgumentException($"An argument of {target.DisplayName}() cannot be sent to a pool worker: {e.Message}", e);
        }

        foreach (var message in messages)
        {
            tasks.Put(message);
        }
    }

    private void CheckRunning()
    {
        if (state != PoolState.Running)
        {
            // An interrupt that terminated the pool while this call handed out its tasks is what ended it.
            InterruptScope.ThrowIfInterrupted("the pool to take the tasks (Map, Apply, …)", TerminateOnInterrupt);
            throw new InvalidOperationException(state == PoolState.Closed
                ? "The pool is closed: it takes no more tasks (Python: 'Pool not running')."
                : "The pool has been terminated (or its using scope has ended): it takes no more tasks.");
        }
    }
}
