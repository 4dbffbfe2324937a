using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Helpers.Multiprocessing;

/// <summary>
/// A FIFO queue shared by processes (Python's <c>multiprocessing.Queue</c>): any number of producer
/// and consumer processes; items are serialized in <see cref="Put"/> and rebuilt in <see cref="Get"/>.
/// Pass it to a child as an argument. In a notebook, write <c>mp.Queue&lt;T&gt;</c> (with
/// <c>using mp = Helpers.Multiprocessing;</c>, Python's <c>import multiprocessing as mp</c>), because
/// <c>System.Collections.Generic.Queue&lt;T&gt;</c> is imported there too.
/// </summary>
/// <typeparam name="T">The item type; <c>object</c> for anything, as in Python.</typeparam>
/// <remarks>
/// Items live in shared memory (see <see cref="Ring"/>) as soon as <see cref="Put"/> returns, so,
/// unlike CPython's, a child that puts a large item and is joined before anyone reads does not
/// deadlock, and <see cref="Put"/> reports an item that cannot be sent at once, in the caller.
/// </remarks>
[JsonConverter(typeof(HandleConverterFactory))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Python's name, which the lessons mirror.")]
public class Queue<T> : IDisposable, IShareable<Queue<T>, Queue<T>.Handle>
{
    // Looked up once: a message then goes straight to its converters.
    private static readonly JsonTypeInfo<T> TypeInfo = (JsonTypeInfo<T>)Reduction.Options.GetTypeInfo(typeof(T));

    // Ints, doubles, enums and structs of them hold no reference: their bytes are the message, copied
    // as they are, with no serializer. Both ends are the same T of the same assembly, so the layout
    // is the same on both sides.
    // A pointer or handle (IntPtr, a native handle in a struct) means nothing in another process:
    // such a T goes through the serializer, which refuses it, as does a type with a converter of its own.
    private static readonly bool IsUnmanaged = !RuntimeHelpers.IsReferenceOrContainsReferences<T>() && IsPlainData(typeof(T));
    private bool closed;
    private bool disposed;

    /// <summary>Creates a queue; <paramref name="maxsize"/> &gt; 0 limits how many items it holds (Python's default 0: no limit).</summary>
    public Queue(int maxsize = 0)
        : this(Parts.Build(typeof(Queue<T>), _ => Ring.Create(maxsize)))
    {
    }

    /// <summary>A queue for a pool's own messages, which a timeline draws as tasks rather than as puts and gets.</summary>
    internal Queue(bool traced)
        : this(Parts.Build(typeof(Queue<T>), _ => Ring.Create(0, traced: traced)))
    {
    }

    private protected Queue(Ring ring) => Ring = ring;

    private protected Ring Ring { get; }

    /// <summary>The item limit; 0 for none.</summary>
    public int Maxsize => Math.Max(0, Ring.MaxItems);

    /// <summary>
    /// Python's <c>put(item, block=True, timeout=None)</c>: adds an item, waiting for room in a
    /// bounded queue as <paramref name="block"/> and <paramref name="timeout"/> (seconds) say.
    /// </summary>
    /// <exception cref="FullException">No room at once (<paramref name="block"/> false) or within the timeout.</exception>
    /// <exception cref="ArgumentException">The item cannot be sent to another process; the queue is unchanged.</exception>
    /// <exception cref="InvalidOperationException">The queue was closed in this process.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // As the ring's own path (see Ring): a child floods a queue before tiering would reach it.
    public virtual void Put(T item, bool block = true, double? timeout = null)
    {
        CheckOpen();
        var deadline = Deadline.After(block, timeout);
        var ticks = Tracing.Recorder.Current is not null ? System.Diagnostics.Stopwatch.GetTimestamp() : 0; // before a getter can see the item
        var sent = IsUnmanaged
            ? Ring.Put(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref item), Unsafe.SizeOf<T>()), block, deadline)
            : Ring.Put(Encode(item), block, deadline);
        if (!sent)
        {
            throw new FullException(block ? $"The queue stayed full for {timeout} s." : "The queue is full.");
        }

        if (Tracing.Recorder.Current is { } recorder && Ring.Traced)
        {
            recorder.Queue(Ring.TraceName, Tracing.TimelineReader.QueuePut, ticks);
        }
    }

    /// <summary>Python's <c>put_nowait(item)</c>: <c>Put(item, block: false)</c>.</summary>
    /// <exception cref="FullException">No room.</exception>
    public void PutNowait(T item) => Put(item, block: false);

    /// <summary>
    /// Python's <c>get(block=True, timeout=None)</c>: removes and returns the oldest item, waiting
    /// for one as <paramref name="block"/> and <paramref name="timeout"/> (seconds) say.
    /// </summary>
    /// <exception cref="EmptyException">No item at once (<paramref name="block"/> false) or within the timeout.</exception>
    /// <exception cref="InvalidOperationException">The queue was closed in this process.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Get(bool block = true, double? timeout = null) =>
        TryGet(out var item, block, timeout) ? item : throw new EmptyException(block ? $"No item arrived within {timeout} s." : "The queue is empty.");

    /// <summary>Like <see cref="Get"/>, but false instead of <see cref="EmptyException"/>: for loops that poll often.</summary>
    /// <param name="item">The item, if one came.</param>
    /// <param name="block">Wait for one.</param>
    /// <param name="timeout">At most this many seconds (forever if null).</param>
    /// <param name="claim">Called with the item while it is still in the queue, under its read lock: whoever
    /// reads the queue after a reader that died before the item was marked read gets the item again.</param>
    /// <param name="giveUp">Without <paramref name="claim"/>: asked before every sleep of the wait (the first included, then after
    /// each wake-up, see <see cref="NudgeReader"/>); when it says true the wait ends, false.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool TryGet(out T item, bool block, double? timeout, Action<T>? claim = null, Func<bool>? giveUp = null)
    {
        CheckOpen();
        if (IsUnmanaged && claim is null)
        {
            // Plain values: the message's bytes go straight into the item.
            T value = default!;
            if (!Ring.GetInto(MemoryMarshal.CreateSpan(ref Unsafe.As<T, byte>(ref value), Unsafe.SizeOf<T>()), block, Deadline.After(block, timeout), giveUp, out var other))
            {
                item = default!;
                return false;
            }

            item = other is null ? value : Decode(other); // Another size: Decode says that both ends must use the same type.
            TraceGet();
            return true;
        }

        T claimed = default!;
        var bytes = Ring.Get(block, Deadline.After(block, timeout), claim is null ? null : raw => claim(claimed = Decode(raw)), giveUp);
        if (bytes is null)
        {
            item = default!;
            return false;
        }

        item = claim is null ? Decode(bytes) : claimed;
        TraceGet();
        return true;
    }

    private void TraceGet()
    {
        if (Tracing.Recorder.Current is { } recorder && Ring.Traced)
        {
            recorder.Queue(Ring.TraceName, Tracing.TimelineReader.QueueGet);
        }
    }

    /// <summary>Wakes a reader that sleeps in <see cref="TryGet"/>, so that it looks at its <c>giveUp</c> condition.</summary>
    internal void NudgeReader() => Ring.Nudge();

    /// <summary>Runs <paramref name="look"/> with the oldest item, still in the queue (default if none), under the read lock (see <see cref="Ring.UnderReadLock"/>).</summary>
    internal bool UnderReadLock(Func<T?, bool> look) => Ring.UnderReadLock(raw => look(raw is null ? default : Decode(raw)));

    private static byte[] Encode(T item) => typeof(T) == typeof(byte[])
        ? RawBytes.Encode((byte[]?)(object?)item)
        : Reduction.ToBytes(item, TypeInfo, "put on a queue, which sends it to other processes", nameof(item));

    private static bool IsPlainData(Type type) =>
        type.IsPrimitive ? type != typeof(nint) && type != typeof(nuint)
        : type.IsEnum || (!type.IsPointer && !type.IsFunctionPointer
            && type.GetCustomAttributes(typeof(JsonConverterAttribute), inherit: false).Length == 0
            && type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .All(f => f.FieldType != type && IsPlainData(f.FieldType)));

    private static T Decode(byte[] bytes) =>
        IsUnmanaged ? (bytes.Length == Unsafe.SizeOf<T>()
            ? Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetArrayDataReference(bytes))
            : throw new InvalidOperationException($"A message of {bytes.Length} bytes is not a {typeof(T).Name} ({Unsafe.SizeOf<T>()} bytes): both ends of a queue must use the same item type."))
        : typeof(T) == typeof(byte[]) ? (T)(object?)RawBytes.Decode(bytes)!
        : JsonSerializer.Deserialize(bytes, TypeInfo)!;

    /// <summary>Python's <c>get_nowait()</c>: <c>Get(block: false)</c>.</summary>
    /// <exception cref="EmptyException">No item.</exception>
    public T GetNowait() => Get(block: false);

    /// <summary>Python's <c>qsize()</c>: the items in the queue now (others may change it at once).</summary>
    public int Qsize() => Ring.Count;

    /// <summary>Python's <c>empty()</c>.</summary>
    public bool Empty() => Ring.Count == 0;

    /// <summary>Python's <c>full()</c>.</summary>
    public bool Full() => Ring.MaxItems > 0 && Ring.Count >= Ring.MaxItems;

    /// <summary>Python's <c>close()</c>: this process will use the queue no more; <c>Put</c> and <c>Get</c> here then fail. Other processes go on.</summary>
    public void Close() => closed = true;

    /// <summary>Closes it, and releases the OS objects in this process (the creating process also removes them).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the shared memory and semaphores.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            (closed, disposed) = (true, true);
            Ring.Dispose();
        }
    }

    /// <summary>As Python's repr, with the size now.</summary>
    public override string ToString() => $"<{GetType().Name.Split('`')[0]}<{typeof(T).Name}>(qsize={Qsize()}{(Maxsize > 0 ? $", maxsize={Maxsize}" : "")})>";

    private protected void CheckOpen()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (closed)
        {
            throw new InvalidOperationException("This queue was closed in this process by Close(), Python's close(): it cannot be used here any more; other processes can still use it.");
        }
    }

    Handle IShareable<Queue<T>, Handle>.ToHandle() => new(Ring.ToHandle());

    static Queue<T> IShareable<Queue<T>, Handle>.FromHandle(Handle handle) => new(Ring.Open(handle.Ring));

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(Ring.Handle Ring);
}

/// <summary>A queue of byte arrays carries them as they are (JSON would make them base64), after one byte that tells null from empty.</summary>
internal static class RawBytes
{
    /// <summary>Frames an array, or null.</summary>
    public static byte[] Encode(byte[]? bytes)
    {
        if (bytes is null)
        {
            return [0];
        }

        var framed = new byte[bytes.Length + 1];
        framed[0] = 1;
        bytes.CopyTo(framed, 1);
        return framed;
    }

    /// <summary>Unframes what <see cref="Encode"/> made.</summary>
    public static byte[]? Decode(byte[] framed) => framed[0] == 0 ? null : framed[1..];
}
