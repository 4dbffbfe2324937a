using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Helpers.Multiprocessing;

/// <summary>
/// The transport under <see cref="Queue{T}"/> and <c>Connection</c> (a pipe end): a byte ring in shared
/// memory that carries whole messages, guarded by counting semaphores (the classic bounded buffer).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A message is written into shared memory before <c>Put</c> returns; no feeder thread and no
/// OS pipe buffer are involved. So a child that puts a large item and then exits, or is joined before
/// anyone reads, neither deadlocks nor loses the item: CPython documents that its Queue deadlocks there.</item>
/// <item>A message larger than half the ring is spilled to a file of its own beside the shared
/// memory; the ring carries its name, and the reader deletes it.</item>
/// <item>Semaphores: <c>items</c> counts messages, <c>slots</c> free places (a queue's maxsize),
/// <c>putLock</c>/<c>getLock</c> keep writers and readers one at a time, and <c>space</c> wakes a
/// writer waiting for bytes. The locks notice a holder that died (see <see cref="SemLock"/>).</item>
/// </list>
/// </remarks>
internal sealed unsafe class Ring : IDisposable
{
    /// <summary>The default ring size: 4 MiB of address space, used (RAM) only as far as messages reach.</summary>
    public const int DefaultCapacity = 4 << 20;

    private const int SpillMark = -1;
    private static readonly TimeSpan Slice = SemLock.Slice;
    private readonly SharedMemory memory;
    private readonly SemLock items;
    private readonly SemLock slots;
    private readonly SemLock putLock;
    private readonly SemLock getLock;
    private readonly SemLock space;
    private readonly bool owner;
    private int spills;

    private Ring(SharedMemory memory, SemLock items, SemLock slots, SemLock putLock, SemLock getLock, SemLock space, bool owner) =>
        (this.memory, this.items, this.slots, this.putLock, this.getLock, this.space, this.owner) = (memory, items, slots, putLock, getLock, space, owner);

    /// <summary>Creates a ring that holds at most <paramref name="maxItems"/> messages (no limit if 0 or less).</summary>
    public static Ring Create(int maxItems, int capacity = DefaultCapacity)
    {
        var memory = new SharedMemory(sizeof(Header) + (long)capacity);
        var h = (Header*)memory.Address;
        h->Capacity = capacity;
        h->MaxItems = maxItems;
        var ring = new Ring(
            memory,
            SemLock.Create(0, int.MaxValue),
            SemLock.Create(maxItems > 0 ? maxItems : int.MaxValue, int.MaxValue),
            SemLock.Create(1, 1),
            SemLock.Create(1, 1),
            SemLock.Create(0, int.MaxValue),
            owner: true);
        ResourceTracker.Register(ResourceTracker.Kind.SharedMemoryPrefix, ring.SpillPrefix);
        return ring;
    }

    /// <summary>Opens a ring another process created.</summary>
    public static Ring Open(Handle handle) => new(
        SharedMemory.Attach(handle.Memory.Name, handle.Memory.Size),
        SemLock.Open(handle.Items),
        SemLock.Open(handle.Slots),
        SemLock.Open(handle.PutLock),
        SemLock.Open(handle.GetLock),
        SemLock.Open(handle.Space),
        owner: false);

    /// <summary>The names that open this ring elsewhere.</summary>
    public Handle ToHandle() => new(
        Shared.HandleOf<SharedMemory, SharedMemory.Handle>(memory), items.ToHandle(), slots.ToHandle(), putLock.ToHandle(), getLock.ToHandle(), space.ToHandle());

    private Header* H => (Header*)memory.Address;

    private byte* Data => memory.Address + sizeof(Header);

    /// <summary>The messages in the ring now.</summary>
    public int Count => Volatile.Read(ref H->Count);

    /// <summary>The most messages it holds; 0 or less for no limit.</summary>
    public int MaxItems => H->MaxItems;

    /// <summary>Tasks put and not yet marked done (a joinable queue's counter).</summary>
    public ref int Unfinished => ref H->Unfinished;

    /// <summary>True once the writing side has said it will send nothing more (a pipe end closed).</summary>
    public bool WriterClosed => Volatile.Read(ref H->WriterClosed) != 0;

    private string SpillPrefix => memory.Name + "-spill-";

    /// <summary>
    /// Writes one message. Waits for a free place and for bytes as <paramref name="block"/> and
    /// <paramref name="timeout"/> (seconds, forever if null) say.
    /// </summary>
    /// <returns>False if there was no room in time; nothing was written then.</returns>
    public bool Put(ReadOnlySpan<byte> message, bool block, double? timeout)
    {
        var deadline = Deadline(block, timeout);
        if (!slots.Acquire(block, Left(deadline), track: false))
        {
            return false;
        }

        if (!AcquireLock(putLock, block, deadline))
        {
            slots.Release(track: false);
            return false;
        }

        try
        {
            var capacity = H->Capacity;
            byte[]? spill = null;
            if (message.Length + sizeof(int) > capacity / 2)
            {
                var name = $"{SpillPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref spills)}";
                File.WriteAllBytes(Path.Combine(SharedMemory.Folder, name), message.ToArray());
                spill = Encoding.UTF8.GetBytes(name);
            }

            var needed = sizeof(int) + (spill?.Length ?? message.Length);
            if (!WaitForSpace(needed, capacity, block, deadline))
            {
                if (spill is not null)
                {
                    File.Delete(Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(spill)));
                }

                slots.Release(track: false);
                return false;
            }

            var tail = H->Tail;
            Span<byte> length = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(length, spill is null ? message.Length : SpillMark - spill.Length);
            Write(tail, length, capacity);
            Write(tail + sizeof(int), spill ?? message, capacity);
            Volatile.Write(ref H->Tail, tail + needed);
            Interlocked.Increment(ref H->Count);
        }
        finally
        {
            putLock.Release(track: true);
        }

        items.Release(track: false);
        return true;
    }

    /// <summary>Reads one message, waiting as <paramref name="block"/> and <paramref name="timeout"/> say.</summary>
    /// <returns>The message, or null if none came in time (or the writer closed and the ring is empty).</returns>
    public byte[]? Get(bool block, double? timeout)
    {
        var deadline = Deadline(block, timeout);
        while (!items.Acquire(block: block && !WriterClosed, block ? Math.Min(Left(deadline) ?? double.MaxValue, Slice.TotalSeconds) : null, track: false))
        {
            if (!block || WriterClosed || (deadline is { } d && DateTime.UtcNow >= d))
            {
                return null;
            }
        }

        byte[] message;
        AcquireLock(getLock, block: true, null);
        try
        {
            if (Volatile.Read(ref H->Count) == 0)
            {
                // The unit CloseWriter posted: the end. Put it back for the other readers.
                items.Release(track: false);
                return null;
            }

            var capacity = H->Capacity;
            var head = H->Head;
            Span<byte> lengthBytes = stackalloc byte[sizeof(int)];
            Read(head, lengthBytes, capacity);
            var length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            var stored = length >= 0 ? length : SpillMark - length;
            message = new byte[stored];
            Read(head + sizeof(int), message, capacity);
            Volatile.Write(ref H->Head, head + sizeof(int) + stored);
            Interlocked.Decrement(ref H->Count);
            if (length < 0)
            {
                var path = Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(message));
                message = File.ReadAllBytes(path);
                File.Delete(path);
            }
        }
        finally
        {
            getLock.Release(track: true);
        }

        // Wake a writer waiting for bytes: it re-checks, so a spare wake-up costs one loop.
        if (Volatile.Read(ref H->SpaceWaiters) > 0)
        {
            space.Release(track: false);
        }

        slots.Release(track: false);
        return message;
    }

    /// <summary>Waits until a message is there (without taking it), at most <paramref name="timeout"/> seconds.</summary>
    public bool Poll(double? timeout)
    {
        if (!items.Acquire(block: timeout is not 0, timeout, track: false))
        {
            return false;
        }

        items.Release(track: false);
        return true;
    }

    /// <summary>Marks the writing side closed and wakes readers, which then see the end once the ring is empty.</summary>
    public void CloseWriter()
    {
        if (Interlocked.Exchange(ref H->WriterClosed, 1) == 0)
        {
            items.Release(track: false); // A spurious unit: readers re-check, and Count says the truth.
        }
    }

    /// <summary>Closes it here; the creator also removes the OS objects and any spilled message left.</summary>
    public void Dispose()
    {
        if (owner)
        {
            ResourceTracker.RemovePrefix(SpillPrefix);
            ResourceTracker.Unregister(ResourceTracker.Kind.SharedMemoryPrefix, SpillPrefix);
        }

        foreach (var s in (ReadOnlySpan<SemLock>)[items, slots, putLock, getLock, space])
        {
            s.Dispose();
        }

        memory.Dispose();
    }

    private static DateTime? Deadline(bool block, double? timeout)
    {
        if (timeout is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout cannot be negative.");
        }

        return block && timeout is { } t ? DateTime.UtcNow + TimeSpan.FromSeconds(t) : block ? null : DateTime.UtcNow;
    }

    private static double? Left(DateTime? deadline) => deadline is { } d ? Math.Max(0, (d - DateTime.UtcNow).TotalSeconds) : null;

    private static bool AcquireLock(SemLock l, bool block, DateTime? deadline)
    {
        while (true)
        {
            try
            {
                return l.Acquire(block, Left(deadline), track: true);
            }
            catch (AbandonedLockException)
            {
                // A writer or reader died inside; the ring's bytes are only published after a whole
                // message, so the next one can go on.
            }
        }
    }

    private bool WaitForSpace(int needed, int capacity, bool block, DateTime? deadline)
    {
        bool Fits() => capacity - (H->Tail - Volatile.Read(ref H->Head)) >= needed;
        while (!Fits())
        {
            Interlocked.Increment(ref H->SpaceWaiters);
            try
            {
                if (Fits())
                {
                    break;
                }

                var left = Left(deadline);
                if (!block || left == 0)
                {
                    return false;
                }

                _ = space.Acquire(block: true, Math.Min(left ?? double.MaxValue, Slice.TotalSeconds), track: false);
            }
            finally
            {
                Interlocked.Decrement(ref H->SpaceWaiters);
            }
        }

        return true;
    }

    private void Write(long position, ReadOnlySpan<byte> bytes, int capacity)
    {
        var at = (int)(position % capacity);
        var first = Math.Min(bytes.Length, capacity - at);
        bytes[..first].CopyTo(new Span<byte>(Data + at, first));
        bytes[first..].CopyTo(new Span<byte>(Data, bytes.Length - first));
    }

    private void Read(long position, Span<byte> bytes, int capacity)
    {
        var at = (int)(position % capacity);
        var first = Math.Min(bytes.Length, capacity - at);
        new ReadOnlySpan<byte>(Data + at, first).CopyTo(bytes);
        new ReadOnlySpan<byte>(Data, bytes.Length - first).CopyTo(bytes[first..]);
    }

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(SharedMemory.Handle Memory, SemLock.Handle Items, SemLock.Handle Slots, SemLock.Handle PutLock, SemLock.Handle GetLock, SemLock.Handle Space);

    [StructLayout(LayoutKind.Sequential)]
    private struct Header
    {
        public long Head;
        public long Tail;
        public int Count;
        public int Capacity;
        public int MaxItems;
        public int SpaceWaiters;
        public int WriterClosed;
        public int Unfinished;
    }
}
