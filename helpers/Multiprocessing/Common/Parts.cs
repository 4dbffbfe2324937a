namespace Helpers.Multiprocessing;

/// <summary>
/// The OS-named parts (shared memory, semaphores, locks) an object is built from, while it is
/// being built: if building throws, the parts made so far are disposed, so a refused constructor
/// leaves nothing behind. The outermost build also names, for <see cref="Mp.SharedObjects"/>,
/// the public type each part was made for.
/// </summary>
internal sealed class Parts : IDisposable
{
    [ThreadStatic]
    private static Type? building;

    private readonly Type? previous;
    private List<IDisposable>? made = [];

    private Parts(Type creator)
    {
        previous = building;
        building ??= creator;
    }

    /// <summary>The public type whose constructor is running on this thread, if any.</summary>
    public static Type? Building => building;

    /// <summary>Builds with <paramref name="build"/>, which adds each part it makes; on an exception, disposes them.</summary>
    public static T Build<T>(Type creator, Func<Parts, T> build)
    {
        using var parts = new Parts(creator);
        var built = build(parts);
        parts.made = null;
        return built;
    }

    /// <summary>Keeps <paramref name="part"/> to dispose if building fails.</summary>
    public TPart Add<TPart>(TPart part)
        where TPart : IDisposable
    {
        made!.Add(part);
        return part;
    }

    /// <summary>After a failure, disposes what was made, the last first.</summary>
    public void Dispose()
    {
        building = previous;
        if (made is null)
        {
            return;
        }

        for (var i = made.Count - 1; i >= 0; i--)
        {
            made[i].Dispose();
        }
    }
}
