using System.Collections;
using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A fixed-length array in shared memory (Python's <c>multiprocessing.Array</c>): every process it
/// is passed to reads and writes the same elements. It starts zero-filled; <c>a[i]</c>, slices
/// <c>a[1..3]</c> (copied out, or assigned element by element) and <c>foreach</c> work as in Python.
/// </summary>
/// <typeparam name="T">An unmanaged element type: <c>int</c>, <c>long</c>, <c>short</c>, <c>double</c>, <c>byte</c>, <c>bool</c>, ….</typeparam>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed unsafe class Array<T> : IReadOnlyList<T>, IDisposable, IShareable<Array<T>, Array<T>.Handle>
    where T : unmanaged
{
    private readonly SharedMemory memory;
    private readonly RLock? lockObject;

    /// <summary>Creates a zero-filled array of <paramref name="length"/> elements (Python's <c>Array('i', 10)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative.</exception>
    public Array(int length, bool @lock = true)
        : this(Parts.Build(typeof(Array<T>), parts =>
            (parts.Add(new SharedMemory(Math.Max(1, (long)ArgumentNonNegative(length) * sizeof(T)))), length, @lock ? parts.Add(new RLock()) : null)))
    {
    }

    /// <summary>Creates an array holding a copy of <paramref name="values"/> (Python's <c>Array('d', [1.0, 2.0])</c>).</summary>
    public Array(IEnumerable<T> values, bool @lock = true)
        : this(Materialize(values, out var copy).Length, @lock) => copy.CopyTo(Elements);

    private Array((SharedMemory Memory, int Length, RLock? Lock) parts) => (memory, Count, lockObject) = parts;

    /// <summary>The number of elements (Python's <c>len(a)</c>).</summary>
    public int Count { get; }

    private Span<T> Elements => new(memory.Address, Count);

    /// <summary>One element (Python's <c>a[i]</c>; <c>a[^1]</c> is <c>a[-1]</c>).</summary>
    /// <exception cref="IndexOutOfRangeException">The index is outside the array.</exception>
    public T this[int index]
    {
        get => Elements[index];
        set => Elements[index] = value;
    }

    /// <summary>A slice (Python's <c>a[1:3]</c>): a copy when read; when assigned, the values must fill it exactly.</summary>
    /// <exception cref="ArgumentException">Assigned values of another length.</exception>
    public T[] this[Range range]
    {
        get => Elements[range].ToArray();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var target = Elements[range];
            if (value.Length != target.Length)
            {
                throw new ArgumentException($"The slice has {target.Length} elements but {value.Length} values were given; an Array cannot change its length.", nameof(value));
            }

            value.CopyTo(target);
        }
    }

    /// <summary>The lock that comes with it (Python's <c>get_lock()</c>).</summary>
    /// <exception cref="InvalidOperationException">It was created with <c>lock: false</c>.</exception>
    public RLock GetLock() => lockObject ?? throw new InvalidOperationException("This Array was created with lock: false, so it has no lock.");

    /// <summary>A copy of all elements (Python's <c>a[:]</c>).</summary>
    public T[] ToArray() => Elements.ToArray();

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Unmaps it here; the creating process also removes the shared memory.</summary>
    public void Dispose()
    {
        memory.Dispose();
        lockObject?.Dispose();
    }

    /// <summary>As Python's repr of a slice: <c>[1, 2, 3]</c>.</summary>
    public override string ToString() => $"[{string.Join(", ", this)}]";

    Handle IShareable<Array<T>, Handle>.ToHandle() =>
        new(Shared.HandleOf<SharedMemory, SharedMemory.Handle>(memory), Count, lockObject is null ? null : Shared.HandleOf<RLock, SemLock.Handle>(lockObject));

    static Array<T> IShareable<Array<T>, Handle>.FromHandle(Handle handle) => new((
        SharedMemory.Attach(handle.Memory.Name, handle.Memory.Size),
        handle.Length,
        handle.Lock is { } l ? Shared.Open<RLock>(l) : null));

    private static T[] Materialize(IEnumerable<T> values, out T[] copy)
    {
        ArgumentNullException.ThrowIfNull(values);
        return copy = [.. values];
    }

    private static int ArgumentNonNegative(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return length;
    }

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(SharedMemory.Handle Memory, int Length, SemLock.Handle? Lock);
}

