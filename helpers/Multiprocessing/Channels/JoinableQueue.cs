using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A <see cref="Queue{T}"/> that also counts unfinished tasks (Python's
/// <c>multiprocessing.JoinableQueue</c>): every <see cref="Queue{T}.Put"/> adds one, every
/// <see cref="TaskDone"/> removes one, and <see cref="Join"/> waits until none are left.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
[JsonConverter(typeof(HandleConverterFactory))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Python's name, which the lessons mirror.")]
public sealed class JoinableQueue<T> : Queue<T>, IShareable<JoinableQueue<T>, JoinableQueue<T>.Handle>
{
    private readonly Condition allDone;

    /// <summary>Creates a joinable queue; <paramref name="maxsize"/> &gt; 0 limits how many items it holds.</summary>
    public JoinableQueue(int maxsize = 0)
        : this(Parts.Build(typeof(JoinableQueue<T>), parts => (parts.Add(Ring.Create(maxsize)), Condition.WithOwnLock(parts))))
    {
    }

    private JoinableQueue((Ring Ring, Condition AllDone) parts)
        : base(parts.Ring) => allDone = parts.AllDone;

    /// <summary>Tasks put and not yet marked done.</summary>
    public int Unfinished => Volatile.Read(ref Ring.Unfinished);

    /// <inheritdoc/>
    public override void Put(T item, bool block = true, double? timeout = null)
    {
        Interlocked.Increment(ref Ring.Unfinished);
        try
        {
            base.Put(item, block, timeout);
        }
        catch
        {
            TaskDone();
            throw;
        }
    }

    /// <summary>Python's <c>task_done()</c>: a consumer has finished an item it got.</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put (Python's ValueError "task_done() called too many times").</exception>
    public void TaskDone()
    {
        using (allDone.EnterScope())
        {
            if (Volatile.Read(ref Ring.Unfinished) <= 0)
            {
                throw new InvalidOperationException("TaskDone() called more times than items were put: call it once for each item a consumer got.");
            }

            if (Interlocked.Decrement(ref Ring.Unfinished) == 0)
            {
                allDone.NotifyAll();
            }
        }
    }

    /// <summary>Python's <c>join()</c>: waits until every item put has been marked done, at most <paramref name="timeout"/> seconds (forever if null).</summary>
    /// <returns>False if tasks were still unfinished when the timeout passed.</returns>
    public bool Join(double? timeout = null)
    {
        using (allDone.EnterScope())
        {
            return allDone.WaitFor(() => Volatile.Read(ref Ring.Unfinished) == 0, timeout);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            allDone.Dispose();
        }

        base.Dispose(disposing);
    }

    Handle IShareable<JoinableQueue<T>, Handle>.ToHandle() => new(Ring.ToHandle(), Shared.HandleOf<Condition, Condition.Handle>(allDone));

    static JoinableQueue<T> IShareable<JoinableQueue<T>, Handle>.FromHandle(Handle handle) =>
        new((Ring.Open(handle.Ring), Shared.Open<Condition, Condition.Handle>(handle.AllDone)));

    /// <summary>What crosses to another process.</summary>
    internal new sealed record Handle(Ring.Handle Ring, Condition.Handle AllDone);
}
