using System.Text.Json;
using System.Threading.Channels;
using Helpers.Multiprocessing;

namespace Helpers.Cluster;

/// <summary>
/// <c>Pool</c>'s calls (<see cref="WorkerPool"/>: <c>Map</c>, <c>MapAsync</c>, <c>Imap</c>,
/// <c>ImapUnordered</c>, <c>Starmap</c>, <c>Apply</c>, <c>ApplyAsync</c>, <see cref="AsyncResult{T}"/>)
/// over an Orleans cluster, as Ray's <c>ray.util.multiprocessing.Pool</c>: each worker is a grain
/// (<see cref="IPoolWorkerGrain"/>), placed so that every silo gets its share (<see cref="SlotPlacement"/>).
/// Functions are given as to <c>Pool</c>: compiled static methods, or functions written in earlier
/// notebook cells.
/// </summary>
/// <remarks>
/// <para><b>Code</b> reaches each silo once, over Orleans: a chunk names its function's code by
/// content hash; a silo that lacks it answers so, and gets the bundle (<see cref="SiloCode"/>).</para>
/// <para><b>Values</b>: the envelopes are Orleans types (its generated serializer); the arguments and
/// results inside are <c>Pool</c>'s own task and result messages (<c>PoolMessages</c>, the helpers'
/// JSON, the contract of <c>Process</c> and <c>Pool</c>), and a silo runs a chunk as a <c>Pool</c>
/// worker does (<c>ChunkRunner</c>). Orleans' serializer only writes types it generated code for at
/// compile time, and a type written in a notebook cell reaches a silo only at run time; the helpers'
/// serializer takes any such type, and refuses the same things with the same messages as <c>Pool</c>.</para>
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
public sealed partial class ClusterPool : WorkerPool
{
    /// <summary>How many times a chunk may be lost with its silo before it fails.</summary>
    public const int MaxAttempts = 3;

    private static readonly TimeSpan LocateTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan UnreachableAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LoopExitTimeout = TimeSpan.FromSeconds(5);

    private readonly IClusterClient client;
    private readonly Slot[] slots;
    private readonly Channel<Chunk> queue = Channel.CreateUnbounded<Chunk>();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] runners;
    private readonly Task watchdog;
    private int codeShipments;
    private long lastCallId;
    private int retries;

    /// <summary>Starts a pool of <paramref name="processes"/> workers on the cluster <paramref name="client"/> is connected to.</summary>
    /// <param name="client">A connected Orleans client (<see cref="LocalCluster.Client"/>, or one of a real cluster).</param>
    /// <param name="processes">How many workers (grains); null: one per live silo. Worker <c>k</c> runs on silo <c>k mod n</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processes"/> is less than 1.</exception>
    /// <exception cref="TimeoutException">The cluster did not answer within 10 s.</exception>
    public ClusterPool(IClusterClient client, int? processes = null)
        : base(WorkerCount(client, processes), "a silo")
    {
        this.client = client;
        var id = Guid.NewGuid().ToString("N");
        slots = [.. Enumerable.Range(0, Processes).Select(k => new Slot(k, client.GetGrain<IPoolWorkerGrain>(k, id, null)))];
        // Activates every worker now, so that the first map measures work, not placement.
        Task.WhenAll(slots.Select(s => Locate(s, stop.Token))).WaitAsync(UnreachableAfter).GetAwaiter().GetResult();
        using (ExecutionContext.SuppressFlow()) // They serve the pool, not the cell (its interrupt scope) that made it.
        {
            runners = [.. slots.Select(s => Task.Run(() => Serve(s)))];
            watchdog = Task.Run(Watch);
        }
    }

    /// <summary>Where each worker runs now (null while it is being placed again).</summary>
    public IReadOnlyList<WorkerInfo?> Workers => [.. slots.Select(s => s.Worker)];

    /// <summary>How many times a function's code was sent to a silo (once per function and silo, plus a rare race).</summary>
    public int CodeShipments => codeShipments;

    /// <summary>How many times a chunk was sent again after its silo died (or a call to it failed).</summary>
    public int Retries => retries;

    private protected override string Details => $", silos={slots.Select(s => s.Worker?.Pid).OfType<int>().Distinct().Count()}";

    private protected override PoolFunction Prepare(Target target) =>
        new SiloFunction(target, JsonSerializer.Serialize(target.Ref, Reduction.Options), SiloCode.For(target));

    private protected override void Enqueue(PoolFunction function, long first, byte[][] tasks)
    {
        var silo = (SiloFunction)function;
        for (var i = 0; i < tasks.Length; i++)
        {
            queue.Writer.TryWrite(new Chunk(first + i, silo, new ChunkRequest(silo.Code.Hash, silo.Reference, tasks[i])));
        }
    }

    // The grains stay with their silos: only the pool's loops stop, when it is terminated. (After
    // Join, every chunk is done and the loops wait for more until then.)
    private protected override void StopWorkers(bool kill)
    {
        if (!kill)
        {
            return;
        }

        stop.Cancel();
        queue.Writer.TryComplete();

        // The loops end at once when cancelled; one still running after 5 s keeps the token source.
        if (Task.WhenAll([.. runners, watchdog]).ContinueWith(_ => { }, TaskScheduler.Default).Wait(LoopExitTimeout))
        {
            stop.Dispose();
        }
    }

    private static int WorkerCount(IClusterClient client, int? processes)
    {
        ArgumentNullException.ThrowIfNull(client);
        return processes ?? LiveSilos(client).GetAwaiter().GetResult().Count;
    }

    private static async Task<Dictionary<SiloAddress, SiloStatus>> LiveSilos(IClusterClient client) =>
        await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(UnreachableAfter).ConfigureAwait(false);

    // A function as the silos get it: how to find the method, and its code.
    private sealed class SiloFunction(Target target, string reference, CodeBundle code) : PoolFunction(target, 0)
    {
        public string Reference { get; } = reference;

        public CodeBundle Code { get; } = code;
    }

    // A chunk on its way to a worker: its task number in the pool, and how often it was lost.
    private sealed class Chunk(long id, SiloFunction function, ChunkRequest request)
    {
        public long Id { get; } = id;

        public SiloFunction Function { get; } = function;

        public ChunkRequest Request { get; } = request;

        public int Attempts { get; set; }
    }
}
