using Orleans.Concurrency;

namespace Helpers.Cluster;

/// <summary>
/// A pool worker: one grain per slot of a <see cref="ClusterPool"/>, keyed by (slot, pool id). An
/// Orleans grain runs one call at a time, so a slot runs one chunk at a time, as a process of
/// <c>Pool</c> does; <see cref="SlotPlacementAttribute"/> puts slot <c>k</c> on the <c>k mod n</c>-th silo.
/// </summary>
public interface IPoolWorkerGrain : IGrainWithIntegerCompoundKey
{
    /// <summary>Where this worker runs (and activates it there).</summary>
    Task<WorkerInfo> Where();

    /// <summary>Installs a function's code on this worker's silo, unless the silo already has it (by hash).</summary>
    /// <param name="bundle">The code.</param>
    Task Install(CodeBundle bundle);

    /// <summary>Runs a chunk of calls; answers <see cref="ChunkReply.NeedCode"/> when the silo lacks the code.</summary>
    /// <param name="request">The calls.</param>
    Task<ChunkReply> Run(ChunkRequest request);

    /// <summary>
    /// Whether the call <paramref name="callId"/> of <see cref="Run"/> is running here, or was the last
    /// to finish: answered at once, even while a chunk runs. The pool asks about calls that have not
    /// answered, so that one lost on the way (a request or a reply through a silo that died) is sent
    /// again instead of waited for forever.
    /// </summary>
    /// <param name="callId">The <see cref="ChunkRequest.CallId"/>.</param>
    [AlwaysInterleave]
    Task<CallState> StateOf(long callId);
}

/// <summary>
/// The actor model's shared counter (notebook 07): state that only the grain touches, one call at a
/// time, so concurrent <see cref="Add"/>s never lose an update, and no lock is written.
/// </summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/> and returns the new total.</summary>
    Task<long> Add(long amount);

    /// <summary>The total so far.</summary>
    Task<long> Total();

    /// <summary>Where the counter lives.</summary>
    Task<WorkerInfo> Where();
}

/// <summary>Runs chunks of a <see cref="ClusterPool"/> on the silo where placement put it.</summary>
[SlotPlacement]
internal sealed class PoolWorkerGrain(ILocalSiloDetails silo) : Grain, IPoolWorkerGrain
{
    public Task<WorkerInfo> Where() => Task.FromResult(SiloHost.Here(silo));

    public Task Install(CodeBundle bundle)
    {
        SiloCode.Install(bundle);
        return Task.CompletedTask;
    }

    private long running, lastDone;

    // The function runs on the silo's thread pool while the grain's turn awaits it: the grain still
    // takes its next Run only after this one (one chunk at a time), but StateOf is answered meanwhile.
    public async Task<ChunkReply> Run(ChunkRequest request)
    {
        if (!SiloCode.Has(request.Code))
        {
            return new ChunkReply(SiloHost.Here(silo), NeedCode: true, Result: null);
        }

        running = request.CallId;
        try
        {
            return await Task.Run(() => ChunkRun.Run(request, SiloHost.Here(silo))).ConfigureAwait(true);
        }
        finally
        {
            (running, lastDone) = (0, request.CallId);
        }
    }

    public Task<CallState> StateOf(long callId) =>
        Task.FromResult(callId == running ? CallState.Running : callId == lastDone ? CallState.Done : CallState.Unknown);
}

/// <summary>The counter: a field, and no lock, because Orleans gives the grain one call at a time.</summary>
internal sealed class CounterGrain(ILocalSiloDetails silo) : Grain, ICounterGrain
{
    private long total;

    public Task<long> Add(long amount) => Task.FromResult(total += amount);

    public Task<long> Total() => Task.FromResult(total);

    public Task<WorkerInfo> Where() => Task.FromResult(SiloHost.Here(silo));
}
