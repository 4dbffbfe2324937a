namespace Helpers.Multiprocessing;

/// <summary>
/// The <c>standby</c> start method (the helpers' counterpart of CPython's <c>popen_forkserver.Popen</c>):
/// the child is the spare that <see cref="Standby"/> keeps ready, or, when there is none fit to take,
/// a child started cold as with <c>spawn</c>. Either way new spares are readied once the targets of
/// the children starting have begun (<see cref="Standby.Launched"/>).
/// </summary>
internal sealed class StandbyPopen : Popen
{
    private StandbyPopen((System.Diagnostics.Process Os, SpawnRequest Request) child, Process owner)
        : base(child.Os, child.Request, owner, onBegun: Standby.Begun)
    {
    }

    /// <summary>Hands <paramref name="request"/> to the spare, or to a child started cold.</summary>
    public static StandbyPopen Start(SpawnRequest request, Process owner)
    {
        Standby.Remember(request.Assemblies);
        var child = Standby.Take(request) ?? (ChildHost.Launch(), request);

        // Counted from here; the Popen says Begun exactly once, when the target begins or the output ends.
        Standby.Launched();
        return new StandbyPopen(child, owner);
    }
}
