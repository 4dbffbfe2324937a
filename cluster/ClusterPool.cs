using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Helpers.Multiprocessing;

namespace Helpers.Cluster;

/// <summary>
/// <c>Pool</c>'s shape (<c>Map</c>, <c>MapAsync</c>, <c>Imap</c>, <c>ImapUnordered</c>,
/// <c>Starmap</c>, <c>Apply</c>, <c>ApplyAsync</c>, <see cref="AsyncResult{T}"/>) over an Orleans
/// cluster: each worker is a grain (<see cref="IPoolWorkerGrain"/>), placed so that every silo gets
/// its share (<see cref="SlotPlacement"/>). Functions are given as to <c>Pool</c>: compiled static
/// methods, or functions written in earlier notebook cells.
/// </summary>
/// <remarks>
/// <para><b>Code</b> reaches each silo once, over Orleans: a chunk names its function's code by
/// content hash; a silo that lacks it answers so, and gets the bundle (<see cref="SiloCode"/>).</para>
/// <para><b>Values</b>: the envelopes are Orleans types (its generated serializer); the arguments and
/// results inside are the helpers' own JSON (<c>Reduction</c>, the contract of <c>Process</c> and
/// <c>Pool</c>). Orleans' serializer only writes types it generated code for at compile time, and a
/// type written in a notebook cell reaches a silo only at run time; the helpers' serializer takes
/// any such type, and refuses the same things with the same messages as <c>Pool</c>.</para>
/// <para><b>A silo that dies</b> (killed, crashed) does not hang the caller: its chunks run again on a
/// live silo. A pool's functions are meant to be pure (the same result, no side effect), which makes
/// running one twice safe; <c>Pool</c>, on one machine, fails such a task instead, because it cannot
/// know. A chunk lost <see cref="MaxAttempts"/> times (a function that kills its silo) fails with
/// <see cref="WorkerLostException"/>. A silo is noticed dead when the cluster's membership says so
/// (about 3 s on a local cluster) or when a call to it fails, whichever comes first; then every call
/// in flight is sent again, since one to a live silo may have gone through the dead one's gateway.</para>
/// <para>A function's exception is raised again in the caller, with its own type and message and the
/// silo's trace inside as a <see cref="RemoteException"/>, as <c>Pool</c> does.</para>
/// </remarks>
public sealed class ClusterPool : IDisposable
{
    /// <summary>How many times a chunk may be lost with its silo before it fails.</summary>
    public const int MaxAttempts = 3;

    private static readonly IReadOnlyDictionary<string, object?> NoKwargs = new Dictionary<string, object?>();
    private static readonly TimeSpan LocateTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan UnreachableAfter = TimeSpan.FromSeconds(10);

    private readonly IClusterClient client;
    private readonly Slot[] slots;
    private readonly Channel<Chunk> queue = Channel.CreateUnbounded<Chunk>();
    private readonly ConcurrentDictionary<(MethodInfo, object?), Function> functions = new();
    private readonly ConcurrentDictionary<Chunk, bool> pending = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] runners;
    private readonly Task watchdog;
    private int codeShipments;
    private long lastCallId;
    private int retries;
    private volatile int state; // 0 running, 1 closed, 2 terminated

    /// <summary>Starts a pool of <paramref name="processes"/> workers on the cluster <paramref name="client"/> is connected to.</summary>
    /// <param name="client">A connected Orleans client (<see cref="LocalCluster.Client"/>, or one of a real cluster).</param>
    /// <param name="processes">How many workers (grains); null: one per live silo. Worker <c>k</c> runs on silo <c>k mod n</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processes"/> is less than 1.</exception>
    /// <exception cref="TimeoutException">The cluster did not answer within 10 s.</exception>
    public ClusterPool(IClusterClient client, int? processes = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
        var count = processes ?? LiveSilos(client).GetAwaiter().GetResult().Count;
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(processes), processes, "A pool needs at least one worker.");
        }

        var id = Guid.NewGuid().ToString("N");
        slots = [.. Enumerable.Range(0, count).Select(k => new Slot(k, client.GetGrain<IPoolWorkerGrain>(k, id, null)))];
        // Activates every worker now, so that the first map measures work, not placement.
        Task.WhenAll(slots.Select(s => Locate(s, stop.Token))).WaitAsync(UnreachableAfter).GetAwaiter().GetResult();
        using (ExecutionContext.SuppressFlow()) // They serve the pool, not the cell (its interrupt scope) that made it.
        {
            runners = [.. slots.Select(s => Task.Run(() => Serve(s)))];
            watchdog = Task.Run(Watch);
        }
    }

    /// <summary>How many workers the pool has.</summary>
    public int Processes => slots.Length;

    /// <summary>Where each worker runs now (null while it is being placed again).</summary>
    public IReadOnlyList<WorkerInfo?> Workers => [.. slots.Select(s => s.Worker)];

    /// <summary>How many times a function's code was sent to a silo (once per function and silo, plus a rare race).</summary>
    public int CodeShipments => codeShipments;

    /// <summary>How many times a chunk was sent again after its silo died (or a call to it failed).</summary>
    public int Retries => retries;

    /// <summary>Python's <c>apply</c>: calls <paramref name="func"/> on a worker and waits.</summary>
    public TResult Apply<TResult>(Func<TResult> func) => ApplyAsync(func).Get();

    /// <summary>Python's <c>apply</c> with one argument.</summary>
    public TResult Apply<T1, TResult>(Func<T1, TResult> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply</c> with two arguments.</summary>
    public TResult Apply<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2) => ApplyAsync(func, arg1, arg2).Get();

    /// <summary>Python's <c>apply</c> with three arguments.</summary>
    public TResult Apply<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3) => ApplyAsync(func, arg1, arg2, arg3).Get();

    /// <summary>Python's <c>apply</c> for a function that returns nothing.</summary>
    public void Apply<T1>(Action<T1> func, T1 arg1) => ApplyAsync(func, arg1).Get();

    /// <summary>Python's <c>apply_async</c>: the result to <c>Get</c> later; the callbacks run when it is ready.</summary>
    public AsyncResult<TResult> ApplyAsync<TResult>(Func<TResult> func, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitApply(func, [], callback, errorCallback);

    /// <summary>Python's <c>apply_async</c> with one argument.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, TResult>(Func<T1, TResult> func, T1 arg1, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitApply(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>apply_async</c> with two arguments.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, TResult>(Func<T1, T2, TResult> func, T1 arg1, T2 arg2, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitApply(func, [arg1, arg2], callback, errorCallback);

    /// <summary>Python's <c>apply_async</c> with three arguments.</summary>
    public AsyncResult<TResult> ApplyAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, T1 arg1, T2 arg2, T3 arg3, Action<TResult>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitApply(func, [arg1, arg2, arg3], callback, errorCallback);

    /// <summary>Python's <c>apply_async</c> for a function that returns nothing: <c>Get()</c> returns null (Python's None).</summary>
    public AsyncResult<object?> ApplyAsync<T1>(Action<T1> func, T1 arg1, Action<object?>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitApply(func, [arg1], callback, errorCallback);

    /// <summary>Python's <c>map</c>: <paramref name="func"/> on every item, in chunks, results in order.</summary>
    /// <param name="func">The function.</param>
    /// <param name="items">Its arguments.</param>
    /// <param name="chunksize">Items per call to a worker; null: about four chunks per worker, as Python.</param>
    public List<TResult> Map<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null) =>
        MapAsync(func, items, chunksize).Get();

    /// <summary>Python's <c>map_async</c>.</summary>
    public AsyncResult<List<TResult>> MapAsync<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int? chunksize = null, Action<List<TResult>>? callback = null, Action<Exception>? errorCallback = null) =>
        SubmitMap(func, items.Select(i => new object?[] { i }), chunksize, callback, errorCallback).Result;

    /// <summary>Python's <c>starmap</c> for two arguments a call.</summary>
    public List<TResult> Starmap<T1, T2, TResult>(Func<T1, T2, TResult> func, IEnumerable<(T1, T2)> items, int? chunksize = null) =>
        SubmitMap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2 }), chunksize, null, null).Result.Get();

    /// <summary>Python's <c>starmap</c> for three arguments a call.</summary>
    public List<TResult> Starmap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> func, IEnumerable<(T1, T2, T3)> items, int? chunksize = null) =>
        SubmitMap<TResult>(func, items.Select(i => new object?[] { i.Item1, i.Item2, i.Item3 }), chunksize, null, null).Result.Get();

    /// <summary>Python's <c>imap</c>: results in order, each as soon as it and those before it are ready.</summary>
    public IEnumerable<TResult> Imap<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<TResult>(func, items.Select(i => new object?[] { i }), chunksize, null, null).InOrder();

    /// <summary>Python's <c>imap_unordered</c>: results as they come.</summary>
    public IEnumerable<TResult> ImapUnordered<T, TResult>(Func<T, TResult> func, IEnumerable<T> items, int chunksize = 1) =>
        SubmitMap<TResult>(func, items.Select(i => new object?[] { i }), chunksize, null, null).AsDone();

    /// <summary>Python's <c>close</c>: no more tasks; those sent go on.</summary>
    public void Close()
    {
        if (state == 0)
        {
            state = 1;
        }
    }

    /// <summary>Python's <c>join</c>: waits for the tasks sent to finish, at most <paramref name="timeout"/> seconds.</summary>
    /// <returns>True if all finished.</returns>
    /// <exception cref="InvalidOperationException">The pool is still open: call <see cref="Close"/> first, as in Python.</exception>
    public bool Join(double? timeout = null)
    {
        if (state == 0)
        {
            throw new InvalidOperationException("Call Close() (or Terminate()) before Join(), as in Python.");
        }

        var deadline = Deadline.After(timeout);
        while (!pending.IsEmpty)
        {
            if (deadline.HasPassed)
            {
                return false;
            }

            Thread.Sleep(10);
            InterruptScope.ThrowIfInterrupted("the cluster pool's tasks to finish (Join)", TerminateOnInterrupt);
        }

        return true;
    }

    /// <summary>Python's <c>terminate</c>: stops at once; results not ready fail.</summary>
    public void Terminate()
    {
        if (state == 2)
        {
            return;
        }

        state = 2;
        stop.Cancel();
        queue.Writer.TryComplete();
        foreach (var chunk in pending.Keys)
        {
            Finish(chunk, job => job.Fail(chunk, new InvalidOperationException("The pool was terminated (or its using scope ended) before this task finished.")));
        }

        // The loops end at once when cancelled; one still running after 5 s keeps the token source.
        if (Task.WhenAll([.. runners, watchdog]).ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5)))
        {
            stop.Dispose();
        }
    }

    /// <summary>Terminates the pool for an interrupt (<see cref="InterruptScope"/>); says so, or null if it was terminated already.</summary>
    private string? TerminateOnInterrupt()
    {
        if (state == 2)
        {
            return null;
        }

        Terminate();
        return $"ClusterPool(processes={Processes}) terminated";
    }

    /// <summary>Terminates, as Python's <c>with</c> does.</summary>
    public void Dispose() => Terminate();

    /// <inheritdoc/>
    public override string ToString() =>
        $"<ClusterPool(processes={Processes}, silos={slots.Select(s => s.Worker?.Pid).OfType<int>().Distinct().Count()}, pending={pending.Count})>";

    private static async Task<Dictionary<SiloAddress, SiloStatus>> LiveSilos(IClusterClient client) =>
        await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(UnreachableAfter).ConfigureAwait(false);

    private AsyncResult<TResult> SubmitApply<TResult>(Delegate func, object?[] args, Action<TResult>? callback, Action<Exception>? errorCallback)
    {
        var result = new AsyncResult<TResult>(callback, errorCallback, TerminateOnInterrupt);
        _ = SubmitMap<TResult>(func, [args], 1, list => result.Complete(list[0]), result.Fail);
        return result;
    }

    private MapJob<TResult> SubmitMap<TResult>(Delegate func, IEnumerable<object?[]> calls, int? chunksize, Action<List<TResult>>? callback, Action<Exception>? errorCallback)
    {
        ArgumentNullException.ThrowIfNull(func);
        ArgumentNullException.ThrowIfNull(calls);
        CheckRunning();
        var function = functions.GetOrAdd((func.Method, func.Target), _ => Function.Of(func));
        var all = calls.Select(c => function.Target.Bind(c, NoKwargs)).ToList();
        var size = chunksize switch
        {
            < 1 => throw new ArgumentOutOfRangeException(nameof(chunksize), chunksize, "A chunk holds at least one item."),
            { } given => given,
            null => Math.Max(1, (all.Count + (Processes * 4) - 1) / (Processes * 4)),
        };
        var chunks = all.Chunk(size).ToList();
        var job = new MapJob<TResult>(function, [.. chunks.Select(c => c.Length)], new AsyncResult<List<TResult>>(callback, errorCallback, TerminateOnInterrupt));
        var encoded = new List<Chunk>(chunks.Count);
        var offset = 0;
        foreach (var rows in chunks)
        {
            encoded.Add(new Chunk(job, encoded.Count, offset, function.Encode(rows)));
            offset += rows.Length;
        }

        if (encoded.Count == 0)
        {
            job.Complete();
        }

        foreach (var chunk in encoded)
        {
            pending[chunk] = true;
            queue.Writer.TryWrite(chunk);
        }

        return job;
    }

    private void CheckRunning()
    {
        if (state != 0)
        {
            // An interrupt that terminated the pool while this call handed out its tasks is what ended it.
            InterruptScope.ThrowIfInterrupted("the cluster pool to take the tasks (Map, Apply, …)", TerminateOnInterrupt);
            throw new InvalidOperationException(state == 1
                ? "The pool is closed: it takes no more tasks (Python: 'Pool not running')."
                : "The pool has been terminated (or its using scope has ended): it takes no more tasks.");
        }
    }

    // A worker's loop: one chunk at a time, as a process of Pool.
    private async Task Serve(Slot slot)
    {
        try
        {
            await foreach (var chunk in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (!await RunChunk(slot, chunk).ConfigureAwait(false))
                {
                    // Its silo is gone or unreachable: find where the worker lives now before taking more.
                    while (!stop.IsCancellationRequested && !await Locate(slot, stop.Token).ConfigureAwait(false))
                    {
                        await Task.Delay(RetryDelay, stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Terminated.
        }
    }

    private static async Task<bool> Locate(Slot slot, CancellationToken cancel)
    {
        try
        {
            slot.Worker = await slot.Grain.Where().WaitAsync(LocateTimeout, cancel).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            slot.Worker = null;
            return false;
        }
    }

    // False when the call was lost with its silo: the chunk goes back in the queue, for a live worker.
    private async Task<bool> RunChunk(Slot slot, Chunk chunk)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var request = chunk.Request with { CallId = Interlocked.Increment(ref lastCallId) };
        (slot.CallId, slot.Unanswered) = (request.CallId, 0);
        slot.InFlight = call;
        try
        {
            var reply = await slot.Grain.Run(request).WaitAsync(call.Token).ConfigureAwait(false);
            if (reply.NeedCode)
            {
                await slot.Grain.Install(chunk.Job.Function.Code).WaitAsync(call.Token).ConfigureAwait(false);
                Interlocked.Increment(ref codeShipments);
                reply = await slot.Grain.Run(request).WaitAsync(call.Token).ConfigureAwait(false);
            }

            slot.Worker = reply.Worker;
            Finish(chunk, job => job.Deliver(chunk, reply));
            return true;
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // Not the function's exception (that comes back in the reply): the silo died, or the
            // watchdog saw it leave the cluster and cancelled the call.
            slot.Worker = null;
            if (++chunk.Attempts >= MaxAttempts)
            {
                Finish(chunk, job => job.Fail(chunk, new WorkerLostException(
                    $"A chunk of {chunk.Job.Function.Target.DisplayName}() was lost with its silo {MaxAttempts} times (last: {e.GetType().Name}: {e.Message}); " +
                    "a function that ends its own process cannot run on a cluster.", e)));
            }
            else
            {
                Interlocked.Increment(ref retries);
                queue.Writer.TryWrite(chunk);
            }

            return false;
        }
        finally
        {
            (slot.InFlight, slot.CallId) = (null, 0);
        }
    }

    private void Finish(Chunk chunk, Action<Job> action)
    {
        if (pending.TryRemove(chunk, out _))
        {
            action(chunk.Job);
        }
    }

    // Every 0.5 s: when a silo has left the cluster, every call in flight is cancelled and its chunk
    // goes back to the queue, for a worker on a live silo. Not only the calls to that silo: a call to
    // a live silo that went through the dead silo's gateway would wait for a reply that never comes.
    private async Task Watch()
    {
        var lastContact = DateTime.UtcNow;
        HashSet<string>? known = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(WatchPeriod, stop.Token).ConfigureAwait(false);
                var live = (await LiveSilos(client).WaitAsync(LocateTimeout, stop.Token).ConfigureAwait(false)).Keys.Select(k => k.ToString()).ToHashSet();
                lastContact = DateTime.UtcNow;
                var lost = known is not null && known.Any(s => !live.Contains(s));
                known = live;
                foreach (var slot in slots)
                {
                    if (slot.Worker is { } worker && !live.Contains(worker.Silo))
                    {
                        slot.Worker = null;
                        CancelQuietly(slot.InFlight);
                    }
                    else if (lost)
                    {
                        CancelQuietly(slot.InFlight);
                    }
                }

                // Calls to live silos only: one to a dead silo fails by itself, and asking it would
                // only add to the messages the silos log about the dead one.
                await Task.WhenAll(slots.Where(s => s.Worker is { } w && live.Contains(w.Silo)).Select(AskAfterCall)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                if (DateTime.UtcNow - lastContact > UnreachableAfter)
                {
                    var error = new WorkerLostException($"No silo of the cluster has answered for {UnreachableAfter.TotalSeconds:0} s ({e.GetType().Name}: {e.Message}).", e);
                    foreach (var chunk in pending.Keys)
                    {
                        Finish(chunk, job => job.Fail(chunk, error));
                    }
                }
            }
        }
    }

    // A call that is neither running on its worker nor just finished there, twice in a row (half a
    // second apart, so not a request still on its way), was lost: its request or its reply went
    // through a silo that died, and no failure will ever come. It is cancelled, so that its chunk is
    // sent again. (Calls made just after a silo died can be lost so, whichever silo died.)
    private async Task AskAfterCall(Slot slot)
    {
        var (call, id) = (slot.InFlight, slot.CallId);
        if (call is null || id == 0)
        {
            return;
        }

        CallState state;
        try
        {
            state = await slot.Grain.StateOf(id).WaitAsync(LocateTimeout, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            return; // No answer: the membership check above handles a dead silo.
        }

        if (slot.CallId != id)
        {
            return; // Answered meanwhile.
        }

        slot.Unanswered = state == CallState.Running ? 0 : slot.Unanswered + 1;
        if (slot.Unanswered >= 2)
        {
            CancelQuietly(call);
        }
    }

    private static void CancelQuietly(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile.
        }
    }

    private sealed class Slot(int index, IPoolWorkerGrain grain)
    {
        private volatile WorkerInfo? worker;
        private volatile CancellationTokenSource? inFlight;
        private long callId;
        private int unanswered;

        public int Index { get; } = index;

        public IPoolWorkerGrain Grain { get; } = grain;

        public WorkerInfo? Worker { get => worker; set => worker = value; }

        public CancellationTokenSource? InFlight { get => inFlight; set => inFlight = value; }

        /// <summary>The call in flight (<see cref="ChunkRequest.CallId"/>).</summary>
        public long CallId { get => Volatile.Read(ref callId); set => Volatile.Write(ref callId, value); }

        /// <summary>How many times in a row its worker did not know the call in flight.</summary>
        public int Unanswered { get => Volatile.Read(ref unanswered); set => Volatile.Write(ref unanswered, value); }
    }

    private sealed class Chunk(Job job, int index, int offset, ChunkRequest request)
    {
        public Job Job { get; } = job;

        public int Index { get; } = index;

        public int Offset { get; } = offset;

        public ChunkRequest Request { get; } = request;

        public int Attempts { get; set; }
    }

    // A function as the silos get it: how to find the method, and its code.
    private sealed class Function(Target target, string reference, CodeBundle code)
    {
        public Target Target { get; } = target;

        public string Reference { get; } = reference;

        public CodeBundle Code { get; } = code;

        public Type ReturnArray { get; } = (target.Method.ReturnType == typeof(void) ? typeof(object) : target.Method.ReturnType).MakeArrayType();

        public static Function Of(Delegate func)
        {
            var target = Target.FromDelegate(func);
            return new Function(target, JsonSerializer.Serialize(target.Ref, Reduction.Options), SiloCode.For(target));
        }

        // One array per parameter, of the parameter's type: as Pool's tasks.
        public ChunkRequest Encode(object?[][] rows)
        {
            var types = Target.ParameterTypes;
            var columns = new byte[types.Length][];
            for (var p = 0; p < types.Length; p++)
            {
                var column = Array.CreateInstance(types[p], rows.Length);
                for (var r = 0; r < rows.Length; r++)
                {
                    column.SetValue(rows[r][p], r);
                }

                columns[p] = Reduction.ToBytes(column, Reduction.Options.GetTypeInfo(column.GetType()), "sent to a silo", "items");
            }

            return new ChunkRequest(Code.Hash, Reference, rows.Length, columns);
        }
    }

    private abstract class Job(Function function)
    {
        public Function Function { get; } = function;

        public abstract void Deliver(Chunk chunk, ChunkReply reply);

        public abstract void Fail(Chunk chunk, Exception error);
    }

    // The results of one map (or apply): chunks arrive in any order; the AsyncResult is settled once,
    // by the first error or by the last chunk; Imap reads chunks as they arrive.
    private sealed class MapJob<TResult>(Function function, int[] counts, AsyncResult<List<TResult>> result) : Job(function)
    {
        private readonly TResult[] values = new TResult[counts.Sum()];
        private readonly Exception?[] errors = new Exception?[counts.Length];
        private readonly bool[] arrived = new bool[counts.Length];
        private readonly List<int> order = [];
        private readonly object gate = new(); // Monitor: Imap's readers wait and are pulsed on it.
        private int remaining = counts.Length;
        private bool settled;

        public AsyncResult<List<TResult>> Result { get; } = result;

        public override void Deliver(Chunk chunk, ChunkReply reply)
        {
            if (reply.Error is { } e)
            {
                Arrive(chunk.Index, RemoteException.Rebuild(e.Type, e.Message, e.Trace));
                return;
            }

            var array = (Array)JsonSerializer.Deserialize(reply.Values, Function.ReturnArray, Reduction.Options)!;
            for (var i = 0; i < array.Length; i++)
            {
                values[chunk.Offset + i] = (TResult)array.GetValue(i)!;
            }

            Arrive(chunk.Index, null);
        }

        public override void Fail(Chunk chunk, Exception error) => Arrive(chunk.Index, error);

        /// <summary>Settles a map of no items.</summary>
        public void Complete() => Settle(null);

        // Waits under the gate until ready() holds; in slices inside an interruptible scope, looking at
        // it outside the gate (terminating the pool settles this job, which takes the gate).
        private void WaitUntil(Func<bool> ready)
        {
            while (true)
            {
                lock (gate)
                {
                    if (ready())
                    {
                        return;
                    }

                    _ = Monitor.Wait(gate, InterruptScope.NextSlice(Timeout.InfiniteTimeSpan));
                }

                InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner);
            }
        }

        public IEnumerable<TResult> InOrder()
        {
            var offset = 0;
            for (var c = 0; c < counts.Length; c++)
            {
                WaitUntil(() => arrived[c]);

                if (errors[c] is { } error)
                {
                    InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner); // Its pool terminated by an interrupt.
                    throw error;
                }

                for (var i = 0; i < counts[c]; i++)
                {
                    yield return values[offset + i];
                }

                offset += counts[c];
            }
        }

        public IEnumerable<TResult> AsDone()
        {
            var offsets = new int[counts.Length];
            for (var c = 1; c < counts.Length; c++)
            {
                offsets[c] = offsets[c - 1] + counts[c - 1];
            }

            for (var n = 0; n < counts.Length; n++)
            {
                var next = n;
                WaitUntil(() => order.Count > next);
                int c;
                lock (gate)
                {
                    c = order[n];
                }

                if (errors[c] is { } error)
                {
                    InterruptScope.ThrowIfInterrupted("the next result (Imap)", Result.StopOwner); // Its pool terminated by an interrupt.
                    throw error;
                }

                for (var i = 0; i < counts[c]; i++)
                {
                    yield return values[offsets[c] + i];
                }
            }
        }

        private void Arrive(int chunk, Exception? error)
        {
            bool last;
            lock (gate)
            {
                if (arrived[chunk])
                {
                    return;
                }

                (arrived[chunk], errors[chunk]) = (true, error);
                order.Add(chunk);
                last = --remaining == 0;
                Monitor.PulseAll(gate);
            }

            if (error is not null || last)
            {
                Settle(error);
            }
        }

        private void Settle(Exception? error)
        {
            lock (gate)
            {
                if (settled)
                {
                    return;
                }

                settled = true;
            }

            if (error is null)
            {
                Result.Complete([.. values]);
            }
            else
            {
                Result.Fail(error);
            }
        }
    }
}
