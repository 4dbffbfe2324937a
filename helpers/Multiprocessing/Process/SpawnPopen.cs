namespace Helpers.Multiprocessing;

/// <summary>
/// The <c>spawn</c> start method (CPython's <c>popen_spawn_posix.Popen</c>): every child is a new
/// <c>Helpers.dll</c> (see <see cref="ChildHost"/>), started when it is asked for.
/// </summary>
internal sealed class SpawnPopen : Popen
{
    private SpawnPopen(SpawnRequest request, Process owner)
        : base(ChildHost.Launch(), request, owner)
    {
    }

    /// <summary>Starts a child cold and hands it <paramref name="request"/>.</summary>
    public static SpawnPopen Start(SpawnRequest request, Process owner) => new(request, owner);
}
