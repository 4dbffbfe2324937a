using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A flag shared by processes that others can wait for (Python's <c>multiprocessing.Event</c>):
/// <see cref="Set"/> raises it and wakes every waiter, <see cref="Clear"/> lowers it.
/// </summary>
[JsonConverter(typeof(HandleConverterFactory))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Python's name; 'Event' is a keyword only in VB.")]
public sealed unsafe class Event : IDisposable, IShareable<Event, Event.Handle>
{
    private readonly Condition condition;
    private readonly SharedMemory flag;

    /// <summary>Creates a lowered flag.</summary>
    public Event()
        : this(Parts.Build(typeof(Event), parts => (Condition.WithOwnLock(parts), parts.Add(new SharedMemory(sizeof(int))))))
    {
    }

    private Event((Condition Condition, SharedMemory Flag) parts) => (condition, flag) = parts;

    private ref int Flag => ref *(int*)flag.Address;

    /// <summary>Python's <c>is_set()</c>.</summary>
    public bool IsSet() => Volatile.Read(ref Flag) != 0;

    /// <summary>Python's <c>set()</c>: raises the flag and wakes every waiter.</summary>
    public void Set()
    {
        using (condition.EnterScope())
        {
            Volatile.Write(ref Flag, 1);
            condition.NotifyAll();
        }
    }

    /// <summary>Python's <c>clear()</c>: lowers the flag.</summary>
    public void Clear()
    {
        using (condition.EnterScope())
        {
            Volatile.Write(ref Flag, 0);
        }
    }

    /// <summary>Python's <c>wait(timeout=None)</c>: waits until the flag is raised, at most <paramref name="timeout"/> seconds.</summary>
    /// <returns>True if the flag is raised.</returns>
    public bool Wait(double? timeout = null)
    {
        using (condition.EnterScope())
        {
            return condition.WaitFor(IsSet, timeout);
        }
    }

    /// <summary>Closes it here; the creating process also removes its OS objects.</summary>
    public void Dispose()
    {
        condition.Dispose();
        flag.Dispose();
    }

    /// <summary>As Python's repr.</summary>
    public override string ToString() => $"<Event({(IsSet() ? "set" : "unset")})>";

    Handle IShareable<Event, Handle>.ToHandle() => new(Shared.HandleOf<Condition, Condition.Handle>(condition), Shared.HandleOf<SharedMemory, SharedMemory.Handle>(flag));

    static Event IShareable<Event, Handle>.FromHandle(Handle handle) =>
        new((Shared.Open<Condition, Condition.Handle>(handle.Condition), SharedMemory.Attach(handle.Flag.Name, handle.Flag.Size)));

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(Condition.Handle Condition, SharedMemory.Handle Flag);
}
