using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A counting semaphore shared by processes (Python's <c>multiprocessing.Semaphore</c>): <c>Acquire</c>
/// takes a unit, waiting while there is none; <c>Release</c> gives one back (it may go above the
/// initial value; <see cref="BoundedSemaphore"/> forbids that).
/// </summary>
[JsonConverter(typeof(HandleConverterFactory))]
public class Semaphore : IAcquirable, IDisposable, IShareable<Semaphore, SemLock.Handle>
{
    /// <summary>Creates a semaphore with <paramref name="value"/> units.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public Semaphore(int value = 1)
        : this(Parts.Build(typeof(Semaphore), _ => SemLock.Create(value, int.MaxValue)))
    {
    }

    private protected Semaphore(SemLock core) => (Core = core).WaitingFor = $"the {GetType().Name} (Acquire)";

    private protected SemLock Core { get; }

    /// <summary>The free units now (Python's <c>get_value()</c>, which macOS lacks in CPython).</summary>
    public int GetValue() => Core.Value;

    /// <inheritdoc/>
    public bool Acquire(bool block = true, double? timeout = null) => Core.Acquire(block, Deadline.After(timeout));

    /// <inheritdoc/>
    public virtual void Release() => Core.Release();

    /// <summary>Python's <c>with x:</c> as <c>using (x.EnterScope()) { ... }</c>: acquires (waiting as long as needed) and releases however the block ends.</summary>
    public AcquiredScope EnterScope() => Acquirable.EnterScope(this);

    /// <summary>Closes it in this process; the creating process also removes its OS names.</summary>
    public void Dispose()
    {
        Core.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>As Python's repr: <c>&lt;Semaphore(value=N)&gt;</c>.</summary>
    public override string ToString() => $"<{GetType().Name}(value={GetValue()})>";

    SemLock.Handle IShareable<Semaphore, SemLock.Handle>.ToHandle() => Core.ToHandle();

    static Semaphore IShareable<Semaphore, SemLock.Handle>.FromHandle(SemLock.Handle handle) => new(SemLock.Open(handle));
}
