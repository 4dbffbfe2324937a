using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// One number in shared memory (Python's <c>multiprocessing.Value</c>): every process it is passed to
/// reads and writes the same memory. Python's <c>v.value</c> is <see cref="Get"/> and <see cref="Set"/>
/// (C# forbids a member named like its type), which shows what <c>v.value += 1</c> hides: a read and
/// then a write, between which another process can write. Guard such updates with <see cref="GetLock"/>.
/// </summary>
/// <typeparam name="T">An unmanaged type: <c>int</c> (Python's <c>'i'</c>), <c>long</c>, <c>short</c>, <c>double</c> (<c>'d'</c>), <c>byte</c>, <c>bool</c>, or a struct of them.</typeparam>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed unsafe class Value<T> : IDisposable, IShareable<Value<T>, Value<T>.Handle>
    where T : unmanaged
{
    private readonly SharedMemory memory;
    private readonly RLock? lockObject;

    /// <summary>Creates a shared value; with <paramref name="lock"/> (Python's default) it comes with an <see cref="RLock"/>.</summary>
    public Value(T initial = default, bool @lock = true)
        : this(Parts.Build(typeof(Value<T>), parts => (parts.Add(new SharedMemory(sizeof(T))), @lock ? parts.Add(new RLock()) : null))) => Set(initial);

    private Value((SharedMemory Memory, RLock? Lock) parts) => (memory, lockObject) = parts;

    /// <summary>Reads the value from shared memory (Python's <c>v.value</c>).</summary>
    public T Get() => Unsafe.Read<T>(memory.Address);

    /// <summary>Writes the value to shared memory (Python's <c>v.value = x</c>).</summary>
    public void Set(T value) => Unsafe.Write(memory.Address, value);

    /// <summary>The lock that comes with it (Python's <c>get_lock()</c>).</summary>
    /// <exception cref="InvalidOperationException">It was created with <c>lock: false</c>.</exception>
    public RLock GetLock() => lockObject ?? throw new InvalidOperationException("This Value was created with lock: false, so it has no lock.");

    /// <summary>Unmaps it here; the creating process also removes the shared memory.</summary>
    public void Dispose()
    {
        memory.Dispose();
        lockObject?.Dispose();
    }

    /// <summary>As Python's repr: <c>&lt;Value(int, 5)&gt;</c>.</summary>
    public override string ToString() => $"<Value({typeof(T).Name}, {Get()})>";

    Handle IShareable<Value<T>, Handle>.ToHandle() =>
        new(Shared.HandleOf<SharedMemory, SharedMemory.Handle>(memory), lockObject is null ? null : Shared.HandleOf<RLock, SemLock.Handle>(lockObject));

    static Value<T> IShareable<Value<T>, Handle>.FromHandle(Handle handle) => new((
        SharedMemory.Attach(handle.Memory.Name, handle.Memory.Size),
        handle.Lock is { } l ? Shared.Open<RLock>(l) : null));

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(SharedMemory.Handle Memory, SemLock.Handle? Lock);
}


