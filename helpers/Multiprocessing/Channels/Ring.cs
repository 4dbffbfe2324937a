using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// <item>Semaphores: <c>items</c> wakes readers that sleep (the message count lives in shared memory), <c>slots</c> counts free places (a queue's maxsize),
/// <c>putLock</c>/<c>getLock</c> keep writers and readers one at a time, and <c>space</c> wakes a
/// writer waiting for bytes. The locks notice a holder that died (see <see cref="SemLock"/>).</item>
/// </list>
/// </remarks>
internal sealed unsafe partial class Ring : IDisposable
{
    /// <summary>The default ring size: 4 MiB of address space, used (RAM) only as far as messages reach.</summary>
    public const int DefaultCapacity = 4 << 20;

    // The per-message path (Put, Get and what they call) is compiled optimized at its first call ([MethodImpl(AggressiveOptimization)]):
    // a child that floods a queue for a fraction of a second, or a kernel that keeps compiling cells
    // (which delays tiering up), would otherwise run it unoptimized for most of the messages.

    private readonly SharedMemory memory;
    private readonly SemLock items;
    private readonly SemLock slots;
    private readonly SemLock putLock;
    private readonly SemLock getLock;
    private readonly SemLock space;
    private readonly bool owner;
    private readonly bool isPipe;
    // Each side caches the other's position and re-reads it only when the ring looks full (a writer)
    // or empty (a reader): a busy ring then moves the other side's cache line over once a batch of
    // messages, not once a message. A cached position is one the other side has passed, so it is
    // never wrong, only late.
    private long headSeen; // The consumers' position as this producer last read it (under putLock).
    private long putsSeen; // The producers' count as a reader of this process last read it.

    private Ring(SharedMemory memory, SemLock items, SemLock slots, SemLock putLock, SemLock getLock, SemLock space, bool owner)
    {
        (this.memory, this.items, this.slots, this.putLock, this.getLock, this.space, this.owner, isPipe) =
            (memory, items, slots, putLock, getLock, space, owner, ((Header*)memory.Address)->IsPipe != 0);

        // What an interrupted wait says it was waiting for.
        items.WaitingFor = isPipe ? "a message on the pipe (Recv or Poll)" : "an item on the queue (Get)";
        space.WaitingFor = isPipe ? "room on the pipe (Send)" : "room on the queue (Put)";
        slots.WaitingFor = "a free place on the queue (Put, maxsize)";
        (putLock.WaitingFor, getLock.WaitingFor) = ("another writer to finish (Put or Send)", "another reader to finish (Get or Recv)");
    }

    /// <summary>Creates a ring that holds at most <paramref name="maxItems"/> messages (no limit if 0 or less).</summary>
    /// <param name="maxItems">The most messages it holds; 0 or less for no limit.</param>
    /// <param name="pipe">For a pipe: readers then treat "no writer left" as the end of the stream.</param>
    /// <param name="traced">False for a pool's own queues: a timeline draws their messages as tasks, not as puts and gets.</param>
    /// <param name="capacity">The ring's size in bytes: a power of two, so that a position maps to its place with a mask.</param>
    public static Ring Create(int maxItems, bool pipe = false, int capacity = DefaultCapacity, bool traced = true) => Parts.Build(typeof(Ring), parts =>
    {
        if (!System.Numerics.BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A ring's capacity must be a power of two.");
        }

        var memory = parts.Add(new SharedMemory(sizeof(Header) + (long)capacity));
        var h = (Header*)memory.Address;
        h->IsPipe = pipe ? 1 : 0;
        h->Untraced = traced ? 0 : 1;
        h->Capacity = capacity;
        h->MaxItems = maxItems;
        var ring = new Ring(
            memory,
            parts.Add(SemLock.Create(0, int.MaxValue, countValue: false)),
            parts.Add(SemLock.Create(maxItems > 0 ? maxItems : 0, int.MaxValue, countValue: false)), // Unbounded: never used (macOS caps a semaphore at 32767).
            parts.Add(SemLock.CreateLock()),
            parts.Add(SemLock.CreateLock()),
            parts.Add(SemLock.Create(0, int.MaxValue, countValue: false)),
            owner: true);
        ResourceTracker.Register(ResourceTracker.Kind.SharedMemoryPrefix, ring.SpillPrefix);
        return ring;
    });

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
    public int Count => (int)(Volatile.Read(ref H->Puts) - Volatile.Read(ref H->Gets));

    /// <summary>False for a pool's own queues, which a timeline does not draw as puts and gets.</summary>
    public bool Traced => H->Untraced == 0;

    /// <summary>Its name on a timeline: its shared memory's name, which every process that opened it shares.</summary>
    public string TraceName => memory.Name;

    /// <summary>The most messages it holds; 0 or less for no limit.</summary>
    public int MaxItems => H->MaxItems;

    /// <summary>Tasks put and not yet marked done (a joinable queue's counter).</summary>
    public ref int Unfinished => ref H->Unfinished;

    /// <summary>
    /// Writes one message. Waits for a free place and for bytes as <paramref name="block"/> and
    /// <paramref name="deadline"/> say.
    /// </summary>
    /// <returns>False if there was no room in time; nothing was written then.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Put(ReadOnlySpan<byte> message, bool block, Deadline deadline)
    {
        var bounded = H->MaxItems > 0; // An unbounded ring counts no places: two semaphore operations a message saved.
        if (bounded && !slots.Acquire(block, deadline))
        {
            return false;
        }

        byte[]? spill = null;
        var appended = false;
        try
        {
            // A large message goes to a file of its own, written before the put lock is taken, so
            // other producers are not held up by the copy.
            spill = message.Length + sizeof(int) > H->Capacity / 2 ? Spill(message) : null;
            appended = Append(spill ?? message, isSpill: spill is not null, block, deadline);
        }
        finally
        {
            if (!appended)
            {
                // No room in time, or an error on the way (a broken pipe, the stop button, a full
                // disk): give back what was taken, so a bounded queue keeps its places.
                if (spill is not null)
                {
                    DeleteSpill(spill);
                }

                if (bounded)
                {
                    slots.Release();
                }
            }
        }

        if (!appended)
        {
            return false;
        }

        // Wake a reader only if one sleeps: the full fence orders our Puts before reading the count
        // of sleepers, as a sleeper's increment is ordered before it reads Puts (see WaitForMessage).
        Interlocked.MemoryBarrier();
        WakeReader();
        return true;
    }

    // Under the put lock, once there are bytes for it: the length (for a spill file's name, a
    // negative mark), then the bytes; the message counts once both are in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Append(ReadOnlySpan<byte> bytes, bool isSpill, bool block, Deadline deadline)
    {
        if (!AcquireLock(putLock, block, deadline))
        {
            return false;
        }

        try
        {
            var capacity = H->Capacity;
            var needed = sizeof(int) + bytes.Length;
            if (!WaitForSpace(needed, capacity, block, deadline))
            {
                return false;
            }

            var tail = H->Tail;
            var mark = isSpill ? SpillMark - bytes.Length : bytes.Length;
            var at = (int)(tail & (capacity - 1));
            if (at + needed <= capacity)
            {
                // Most records lie in one piece, before the ring's end.
                BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(Data + at, sizeof(int)), mark);
                bytes.CopyTo(new Span<byte>(Data + at + sizeof(int), bytes.Length));
            }
            else
            {
                Span<byte> length = stackalloc byte[sizeof(int)];
                BinaryPrimitives.WriteInt32LittleEndian(length, mark);
                Write(tail, length, capacity);
                Write(tail + sizeof(int), bytes, capacity);
            }

            Volatile.Write(ref H->Tail, tail + needed);
            Volatile.Write(ref H->Puts, H->Puts + 1); // Under putLock: one writer.
            return true;
        }
        finally
        {
            putLock.Release();
        }
    }

    /// <summary>Reads one message, waiting as <paramref name="block"/> and <paramref name="deadline"/> say.</summary>
    /// <returns>The message, or null if none came in time (or, for a pipe, no writer is left and the ring is empty).</returns>
    /// <param name="block">Wait for a message.</param>
    /// <param name="deadline">Until when.</param>
    /// <param name="claim">If given, called with the message before it is marked read (see <see cref="TakeClaimed"/>).</param>
    /// <param name="giveUp">If given, asked before every sleep (the first included): when it says true, the wait ends with null (see <see cref="Nudge"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[]? Get(bool block, Deadline deadline, Action<byte[]>? claim = null, Func<bool>? giveUp = null)
    {
        if (claim is not null)
        {
            return TakeClaimed(claim, block, deadline);
        }

        return Take(default, block, deadline, giveUp, out var message) ? message : null;
    }

    /// <summary>
    /// <see cref="Get"/> for messages of one size (a queue of plain values): a message of
    /// <paramref name="into"/>'s length is read into it, with no array made for it.
    /// </summary>
    /// <returns>False if none came in time (or, for a pipe, no writer is left and the ring is empty).</returns>
    /// <param name="into">Where a message of its length goes.</param>
    /// <param name="block">Wait for a message.</param>
    /// <param name="deadline">Until when.</param>
    /// <param name="giveUp">As <see cref="Get"/>'s.</param>
    /// <param name="other">A message of another length, as an array; null when it went into <paramref name="into"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool GetInto(Span<byte> into, bool block, Deadline deadline, Func<bool>? giveUp, out byte[]? other) =>
        Take(into, block, deadline, giveUp, out other);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Take(Span<byte> into, bool block, Deadline deadline, Func<bool>? giveUp, out byte[]? message)
    {
        while (WaitForMessage(block, deadline, giveUp))
        {
            if (TakeMessage(into, out message))
            {
                return true;
            }

            // Nothing to read: another reader was quicker, or, for a pipe, no writer is left. Then it
            // is the end: pass the wake-up on to the other readers.
            if (EndOfStream())
            {
                items.Release();
                break;
            }
        }

        message = null;
        return false;
    }

    /// <summary>Waits until a message is there (without taking it), at most until <paramref name="deadline"/>.</summary>
    /// <returns>False if none came in time, or (a pipe) no writer is left.</returns>
    public bool Poll(Deadline deadline) => WaitForMessage(block: true, deadline) && Count > 0;

    /// <summary>
    /// Takes a message for a reader that may be killed at any instant (a pool worker), so that the
    /// message is never lost: <paramref name="claim"/> runs under the read lock before the message is
    /// marked read, so a reader that dies before the mark leaves the message to the next reader, and
    /// one that dies after it has claimed it. The message count in shared memory decides, not the
    /// semaphore: a reader whose wait times out after a <see cref="Slice"/> with messages waiting
    /// takes one even without a unit (the unit of a reader that died), and a unit that finds no
    /// message is dropped. Idle readers wait on the semaphore, so a message wakes one reader.
    /// </summary>
    private byte[]? TakeClaimed(Action<byte[]> claim, bool block, Deadline deadline)
    {
        while (WaitForMessage(block, deadline))
        {
            AcquireLock(getLock, block: true, Deadline.Never);
            try
            {
                if (!HasMessage())
                {
                    if (EndOfStream())
                    {
                        items.Release();
                        return null;
                    }

                    continue; // Another reader took it.
                }

                var message = ReadHead(out var stored, out var spillPath);
                claim(message);
                Publish(stored, spillPath);
                MadeRoom();
                return message;
            }
            finally
            {
                getLock.Release();
            }
        }

        return null;
    }

    /// <summary>
    /// Runs <paramref name="look"/> under the read lock with the first message, not yet marked read
    /// (null if none): no claimed take is half done meanwhile, so what a reader has claimed is either
    /// still that message or already recorded by its claim.
    /// </summary>
    public bool UnderReadLock(Func<byte[]?, bool> look)
    {
        AcquireLock(getLock, block: true, Deadline.Never);
        try
        {
            return look(Count > 0 ? ReadHead(out _, out _) : null);
        }
        finally
        {
            getLock.Release();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TakeMessage(Span<byte> into, out byte[]? message)
    {
        AcquireLock(getLock, block: true, Deadline.Never);
        try
        {
            if (!HasMessage())
            {
                message = null;
                return false;
            }

            message = ReadHead(out var stored, out var spillPath, into);
            Publish(stored, spillPath);
            MadeRoom();
            return true;
        }
        finally
        {
            getLock.Release();
        }
    }

    // Reads the message at the head (a spilled one from its file) without marking it read.
    private byte[] ReadHead(out int stored, out string? spillPath) => ReadHead(out stored, out spillPath, default)!; // An empty span takes no message.

    // The same, into `into` if the message has that length (then null), else as an array.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private byte[]? ReadHead(out int stored, out string? spillPath, Span<byte> into)
    {
        var capacity = H->Capacity;
        var head = H->Head;
        var at = (int)(head & (capacity - 1));
        int length;
        if (at + sizeof(int) <= capacity)
        {
            length = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(Data + at, sizeof(int)));
        }
        else
        {
            Span<byte> lengthBytes = stackalloc byte[sizeof(int)];
            Read(head, lengthBytes, capacity);
            length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
        }

        stored = length >= 0 ? length : SpillMark - length;
        if (length > 0 && length == into.Length)
        {
            Read(head + sizeof(int), into, capacity);
            spillPath = null;
            return null;
        }

        var message = new byte[stored];
        Read(head + sizeof(int), message, capacity);
        if (length >= 0)
        {
            spillPath = null;
            return message;
        }

        return ReadSpill(message, out spillPath);
    }

    // Marks the head message read (under getLock), then deletes its spill file.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Publish(int stored, string? spillPath)
    {
        Volatile.Write(ref H->Head, H->Head + sizeof(int) + stored);
        Volatile.Write(ref H->Gets, H->Gets + 1); // Under getLock: one writer.
        if (spillPath is not null)
        {
            File.Delete(spillPath);
        }
    }

    /// <summary>Closes it here; the creator also removes the OS objects and any spilled message left.</summary>
    public void Dispose()
    {
        RemoveSpills();
        GC.SuppressFinalize(this);

        foreach (var s in (ReadOnlySpan<SemLock>)[items, slots, putLock, getLock, space])
        {
            s.Dispose();
        }

        memory.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AcquireLock(SemLock l, bool block, Deadline deadline)
    {
        while (true)
        {
            try
            {
                return l.Acquire(block, deadline);
            }
            catch (AbandonedLockException)
            {
                // A writer or reader died inside; the ring's bytes are only published after a whole
                // message, so the next one can go on.
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Write(long position, ReadOnlySpan<byte> bytes, int capacity)
    {
        var at = (int)(position & (capacity - 1));
        var first = Math.Min(bytes.Length, capacity - at);
        bytes[..first].CopyTo(new Span<byte>(Data + at, first));
        bytes[first..].CopyTo(new Span<byte>(Data, bytes.Length - first));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Read(long position, Span<byte> bytes, int capacity)
    {
        var at = (int)(position & (capacity - 1));
        var first = Math.Min(bytes.Length, capacity - at);
        new ReadOnlySpan<byte>(Data + at, first).CopyTo(bytes);
        new ReadOnlySpan<byte>(Data, bytes.Length - first).CopyTo(bytes[first..]);
    }

    /// <summary>What crosses to another process.</summary>
    internal sealed record Handle(SharedMemory.Handle Memory, SemLock.Handle Items, SemLock.Handle Slots, SemLock.Handle PutLock, SemLock.Handle GetLock, SemLock.Handle Space);

    // Fields each side writes on every message sit on cache lines of their own, so a producer and
    // a consumer on two cores do not keep stealing one line from each other.
    [StructLayout(LayoutKind.Explicit, Size = 320)]
    private unsafe struct Header
    {
        // Set once, or rarely written.
        [FieldOffset(0)]
        public int Capacity;
        [FieldOffset(4)]
        public int MaxItems;
        [FieldOffset(8)]
        public int IsPipe;
        [FieldOffset(12)]
        public int Unfinished;
        [FieldOffset(16)]
        public fixed int Writers[MaxEnds];

        // The producers' line.
        [FieldOffset(128)]
        public long Tail;
        [FieldOffset(136)]
        public long Puts;

        // The consumers' line.
        [FieldOffset(192)]
        public long Head;
        [FieldOffset(200)]
        public long Gets;

        // Written only while a producer waits for bytes, or a consumer for a message.
        [FieldOffset(80)]
        public int SpaceWaiters;
        [FieldOffset(84)]
        public int ItemWaiters;

        [FieldOffset(88)]
        public int WakePending;

        // Set once: 1 for a pool's own queues (see Traced).
        [FieldOffset(92)]
        public int Untraced;

        // A pipe's receiving ends, rarely written.
        [FieldOffset(256)]
        public fixed int Readers[MaxEnds];
    }
}
