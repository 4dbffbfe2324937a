using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Helpers.Cluster;

/// <summary>
/// Places pool worker <c>k</c> (the integer part of its key) on the <c>k mod n</c>-th of the <c>n</c>
/// live silos, ordered by address: a pool of <c>m·n</c> slots has <c>m</c> workers on every silo.
/// </summary>
/// <remarks>
/// Why not Orleans' own strategies: <c>[StatelessWorker]</c> activates on the silo that receives
/// the call (the client's gateway), so all work would land on one silo; random and hash-based
/// placement leave a silo empty with some luck (2 slots on 2 silos: one time in two for hashing);
/// resource-optimized placement (the default) reacts to load only after it has been measured. A
/// slot's silo is fixed while the cluster is; when its silo dies, the slot's grain is placed again
/// among the live ones.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed class SlotPlacement : PlacementStrategy
{
    internal static readonly SlotPlacement Instance = new();
}

/// <summary>Gives a grain class <see cref="SlotPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SlotPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SlotPlacementAttribute()
        : base(SlotPlacement.Instance)
    {
    }
}

/// <summary>
/// Decides where a <see cref="SlotPlacement"/> grain activates (runs in the silo that places it).
/// Public, so that a silo of a real cluster registers it as <see cref="SiloHost.Run"/> does:
/// <c>silo.AddPlacementDirector&lt;SlotPlacement, SlotPlacementDirector&gt;()</c>.
/// </summary>
public sealed class SlotPlacementDirector : IPlacementDirector
{
    /// <summary>The <c>k mod n</c>-th live silo, ordered by address, for slot <c>k</c>.</summary>
    /// <param name="strategy">Always <see cref="SlotPlacement"/>.</param>
    /// <param name="target">The grain to place; its integer key is its slot.</param>
    /// <param name="context">The silos it may go to.</param>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).Order().ToArray();
        var slot = target.GrainIdentity.TryGetIntegerKey(out var key, out _) ? key : 0;
        return Task.FromResult(silos[(int)(Math.Abs(slot) % silos.Length)]);
    }
}
