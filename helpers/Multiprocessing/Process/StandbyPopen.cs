namespace Helpers.Multiprocessing;

/// <summary>
/// The <c>standby</c> start method (the helpers' counterpart of CPython's <c>popen_forkserver.Popen</c>):
/// the child is the spare that <see cref="Standby"/> keeps ready, or, when there is none fit to take,
/// a child started cold as with <c>spawn</c>. Either way a new spare is then readied for the next one.
/// </summary>
internal sealed class StandbyPopen : Popen
{
    private StandbyPopen((System.Diagnostics.Process Os, SpawnRequest Request) child, Process owner)
        : base(child.Os, child.Request, owner)
    {
    }

    /// <summary>Hands <paramref name="request"/> to the spare, or to a child started cold; then readies the next spare.</summary>
    public static StandbyPopen Start(SpawnRequest request, Process owner)
    {
        var popen = new StandbyPopen(Standby.Take(request) ?? (ChildHost.Launch(), request), owner);
        Standby.Remember(request.Assemblies);
        Standby.Replenish();
        return popen;
    }
}
