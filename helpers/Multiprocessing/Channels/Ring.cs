using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
/// <item>Semaphores: <c>items</c> wakes readers that sleep (the message count lives in shared memory), <c>slots</c> counts free places (a queue's maxsize),
/// <c>putLock</c>/<c>getLock</c> keep writers and readers one at a time, and <c>space</c> wakes a
/// writer waiting for bytes. The locks notice a holder that died (see <see cref="SemLock"/>).</item>
/// </list>
/// </remarks>
internal sealed unsafe class Ring : IDisposable
{
    /// <summary>The default ring size: 4 MiB of address space, used (RAM) only as far as messages reach.</summary>
    public const int DefaultCapacity = 4 << 20;

    private const int SpillMark = -1;
    private const int MaxEnds = 16;
    // The per-message path is compiled optimized at its first call ([MethodImpl(AggressiveOptimization)]):
    // a child that floods a queue for a fraction of a second, or a kernel that keeps compiling cells
    // (which delays tiering up), would otherwise run it unoptimized for most of the messages.
    private const int SpinCount = 50;
    private static readonly TimeSpan Slice = SemLock.Slice;
    private readonly SharedMemory memory;
    private readonly SemLock items;
    private readonly SemLock slots;
    private readonly SemLock putLock;
    private readonly SemLock getLock;
    private readonly SemLock space;
    private readonly bool owner;
    private readonly bool isPipe;
    private int spillsRemoved;
    private long headSeen; // The consumers' position as this producer last read it: re-read only when the ring looks full.
    private static int spills; // Process-wide: two views of one ring in a process must not pick the same spill name.


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
    /// <param name="capacity">The ring's size in bytes.</param>
    public static Ring Create(int maxItems, bool pipe = false, int capacity = DefaultCapacity) => Parts.Build(typeof(Ring), parts =>
    {
        var memory = parts.Add(new SharedMemory(sizeof(Header) + (long)capacity));
        var h = (Header*)memory.Address;
        h->IsPipe = pipe ? 1 : 0;
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

    /// <summary>The most messages it holds; 0 or less for no limit.</summary>
    public int MaxItems => H->MaxItems;

    /// <summary>Tasks put and not yet marked done (a joinable queue's counter).</summary>
    public ref int Unfinished => ref H->Unfinished;

    /// <summary>
    /// For a pipe: true when no process can write any more, because every writing end was closed or
    /// its process has died. Ends are counted by process id in the header; a copy of an end on its
    /// way to a child is held by the sender's negated id until the child takes it over.
    /// </summary>
    public bool WritersGone => AllGone(H->Writers);

    /// <summary>For a pipe: true when no process can read any more (every receiving end closed, or its process dead).</summary>
    public bool ReadersGone => AllGone(H->Readers);

    /// <summary>Records a sending end held by process <paramref name="pid"/> (negative: on its way to a child).</summary>
    /// <exception cref="InvalidOperationException">Too many copies of the end are open.</exception>
    public void AddWriter(int pid) => Add(H->Writers, pid);

    /// <summary>Records a receiving end held by process <paramref name="pid"/> (negative: on its way to a child).</summary>
    /// <exception cref="InvalidOperationException">Too many copies of the end are open.</exception>
    public void AddReader(int pid) => Add(H->Readers, pid);

    /// <summary>Turns a sending end's entry from <paramref name="from"/> into <paramref name="to"/>; false if there was none.</summary>
    public bool ReplaceWriter(int from, int to) => Replace(H->Writers, from, to);

    /// <summary>Turns a receiving end's entry from <paramref name="from"/> into <paramref name="to"/>; false if there was none.</summary>
    public bool ReplaceReader(int from, int to) => Replace(H->Readers, from, to);

    /// <summary>Removes one sending end of process <paramref name="pid"/>, and wakes readers so they can see the end.</summary>
    public void RemoveWriter(int pid)
    {
        _ = Replace(H->Writers, pid, 0);
        items.Release(); // Wakes a sleeping reader, which finds no writer: it passes the wake-up on and reports the end.
    }

    /// <summary>Removes one receiving end of process <paramref name="pid"/>, and wakes a sender waiting for room so it can see that nobody reads.</summary>
    public void RemoveReader(int pid)
    {
        _ = Replace(H->Readers, pid, 0);
        space.Release();
    }

    private static bool AllGone(int* table)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            var pid = Math.Abs(Volatile.Read(ref table[i]));
            if (pid != 0 && (pid == Environment.ProcessId || SemLock.ProcessExists(pid)))
            {
                return false;
            }
        }

        return true;
    }

    private static void Add(int* table, int pid)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            if (Interlocked.CompareExchange(ref table[i], pid, 0) == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException($"At most {MaxEnds} copies of a pipe end can be open at once; close the ones no longer used.");
    }

    private static bool Replace(int* table, int from, int to)
    {
        for (var i = 0; i < MaxEnds; i++)
        {
            if (Interlocked.CompareExchange(ref table[i], to, from) == from)
            {
                return true;
            }
        }

        return false;
    }

    private string SpillPrefix => memory.Name + "-spill-";

    /// <summary>
    /// Writes one message. Waits for a free place and for bytes as <paramref name="block"/> and
    /// <paramref name="timeout"/> (seconds, forever if null) say.
    /// </summary>
    /// <returns>False if there was no room in time; nothing was written then.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Put(ReadOnlySpan<byte> message, bool block, double? timeout)
    {
        var deadline = Deadline.After(block, timeout);
        var bounded = H->MaxItems > 0; // An unbounded ring counts no places: two semaphore operations a message saved.
        if (bounded && !slots.Acquire(block, deadline))
        {
            return false;
        }

        // A large message goes to a file of its own, written before the put lock is taken, so other
        // producers are not held up by the copy.
        byte[]? spill = null;
        if (message.Length + sizeof(int) > H->Capacity / 2)
        {
            var name = $"{SpillPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref spills)}";
            using (var file = SharedMemory.CreateFile(Path.Combine(SharedMemory.Folder, name)))
            {
                file.Write(message);
            }

            spill = Encoding.UTF8.GetBytes(name);
        }

        if (!AcquireLock(putLock, block, deadline))
        {
            if (spill is not null)
            {
                File.Delete(Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(spill)));
            }

            if (bounded)
            {
                slots.Release();
            }

            return false;
        }

        try
        {
            var capacity = H->Capacity;
            var needed = sizeof(int) + (spill?.Length ?? message.Length);
            if (!WaitForSpace(needed, capacity, block, deadline))
            {
                if (spill is not null)
                {
                    File.Delete(Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(spill)));
                }

                if (bounded)
                {
                    slots.Release();
                }

                return false;
            }

            var tail = H->Tail;
            Span<byte> length = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(length, spill is null ? message.Length : SpillMark - spill.Length);
            Write(tail, length, capacity);
            Write(tail + sizeof(int), spill ?? message, capacity);
            Volatile.Write(ref H->Tail, tail + needed);
            Volatile.Write(ref H->Puts, H->Puts + 1); // Under putLock: one writer.
        }
        finally
        {
            putLock.Release();
        }

        // Wake a reader only if one sleeps: the full fence orders our Puts before reading the count
        // of sleepers, as a sleeper's increment is ordered before it reads Puts (see WaitForMessage).
        Interlocked.MemoryBarrier();
        WakeReader();
        return true;
    }

    /// <summary>Reads one message, waiting as <paramref name="block"/> and <paramref name="timeout"/> say.</summary>
    /// <returns>The message, or null if none came in time (or, for a pipe, no writer is left and the ring is empty).</returns>
    /// <param name="block">Wait for a message.</param>
    /// <param name="timeout">At most this many seconds (forever if null).</param>
    /// <param name="claim">If given, called with the message before it is marked read (see <see cref="TakeClaimed"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[]? Get(bool block, double? timeout, Action<byte[]>? claim = null)
    {
        var deadline = Deadline.After(block, timeout);
        if (claim is not null)
        {
            return TakeClaimed(claim, block, deadline);
        }

        while (WaitForMessage(block, deadline))
        {
            if (TakeMessage() is { } message)
            {
                return message;
            }

            // Nothing to read: another reader was quicker, or, for a pipe, no writer is left. Then it
            // is the end: pass the wake-up on to the other readers.
            if (isPipe && WritersGone)
            {
                items.Release();
                return null;
            }
        }

        return null;
    }

    /// <summary>Waits until a message is there (without taking it), at most <paramref name="timeout"/> seconds (forever if null).</summary>
    /// <returns>False if none came in time, or (a pipe) no writer is left.</returns>
    public bool Poll(double? timeout) => WaitForMessage(block: true, Deadline.After(timeout)) && Count > 0;

    /// <summary>
    /// Waits until a message is in the ring (true), or, for a pipe, no writer is left (true: the
    /// caller sees the end), or the deadline passes (false). The message count in shared memory
    /// decides, never the semaphore, which only puts idle readers to sleep: a reader spins briefly,
    /// then counts itself in <c>ItemWaiters</c> and sleeps, and a writer posts a wake-up only when
    /// that count is not zero, so a busy queue makes no system call. Wake-ups that find nothing
    /// (another reader took the message) are dropped by the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool WaitForMessage(bool block, Deadline deadline)
    {
        if (Count > 0)
        {
            return true;
        }

        if (!block || deadline.HasPassed)
        {
            return isPipe && WritersGone;
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < SpinCount; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Count > 0)
            {
                return true;
            }
        }

        while (true)
        {
            Interlocked.Increment(ref H->ItemWaiters);
            try
            {
                if (Count > 0)
                {
                    return true;
                }

                if ((isPipe && WritersGone) || deadline.HasPassed)
                {
                    return isPipe && WritersGone;
                }

                // Slices: a pipe reader notices within one that the last writer died without closing.
                _ = items.Acquire(block: true, Deadline.After(deadline.RemainingAtMost(Slice)));

                // Woken, or a slice passed: Count is read again next, so a later message may post
                // again. (After a slice, this also clears a wake-up a dead reader took.)
                Volatile.Write(ref H->WakePending, 0);
            }
            finally
            {
                Interlocked.Decrement(ref H->ItemWaiters);
            }
        }
    }

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
                if (Count == 0)
                {
                    if (isPipe && WritersGone)
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
    private byte[]? TakeMessage()
    {
        AcquireLock(getLock, block: true, Deadline.Never);
        try
        {
            if (Count == 0)
            {
                return null;
            }

            var message = ReadHead(out var stored, out var spillPath);
            Publish(stored, spillPath);
            MadeRoom();
            return message;
        }
        finally
        {
            getLock.Release();
        }
    }

    // Posts a wake-up if a reader sleeps and none is pending. At most one is ever pending, so
    // wake-ups cannot pile up: not when readers are busy, and not after a reader died while counted
    // as asleep (its count is never taken back).
    private void WakeReader()
    {
        if (Volatile.Read(ref H->ItemWaiters) > 0 && Interlocked.Exchange(ref H->WakePending, 1) == 0)
        {
            items.Release();
        }
    }

    // A message was taken: wake a writer waiting for bytes (it re-checks, so a spare wake-up costs
    // one loop), and free a place of a bounded ring.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MadeRoom()
    {
        // Messages left and readers asleep: wake the next one (a writer that saw a wake-up pending
        // did not post its own).
        if (Count > 0)
        {
            WakeReader();
        }

        if (Volatile.Read(ref H->SpaceWaiters) > 0)
        {
            space.Release();
        }

        if (H->MaxItems > 0)
        {
            slots.Release();
        }
    }

    // Reads the message at the head (a spilled one from its file) without marking it read.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private byte[] ReadHead(out int stored, out string? spillPath)
    {
        var capacity = H->Capacity;
        var head = H->Head;
        Span<byte> lengthBytes = stackalloc byte[sizeof(int)];
        Read(head, lengthBytes, capacity);
        var length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
        stored = length >= 0 ? length : SpillMark - length;
        var message = new byte[stored];
        Read(head + sizeof(int), message, capacity);
        if (length >= 0)
        {
            spillPath = null;
            return message;
        }

        spillPath = Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(message));
        return File.ReadAllBytes(spillPath);
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

    // A ring dropped without Dispose: its semaphores and memory have finalizers of their own; its spill files, here.
    ~Ring() => Finalizer.Run(RemoveSpills);

    private void RemoveSpills()
    {
        if (owner && Interlocked.Exchange(ref spillsRemoved, 1) == 0)
        {
            ResourceTracker.RemovePrefix(SpillPrefix);
            ResourceTracker.Unregister(ResourceTracker.Kind.SharedMemoryPrefix, SpillPrefix);
        }
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
    private bool WaitForSpace(int needed, int capacity, bool block, Deadline deadline)
    {
        bool Fits() => capacity - (H->Tail - headSeen) >= needed || capacity - (H->Tail - (headSeen = Volatile.Read(ref H->Head))) >= needed;
        while (!Fits())
        {
            Interlocked.Increment(ref H->SpaceWaiters);
            try
            {
                if (Fits())
                {
                    break;
                }

                if (!block || deadline.HasPassed)
                {
                    return false;
                }

                _ = space.Acquire(block: true, Deadline.After(deadline.RemainingAtMost(Slice)));

                // Nobody will ever make room if nobody reads: Python's BrokenPipeError, not a wait forever.
                if (isPipe && ReadersGone)
                {
                    throw new IOException("Broken pipe: the receiving end of this pipe is closed, or its process has exited, and the pipe is full.");
                }
            }
            finally
            {
                Interlocked.Decrement(ref H->SpaceWaiters);
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Write(long position, ReadOnlySpan<byte> bytes, int capacity)
    {
        var at = (int)(position % capacity);
        var first = Math.Min(bytes.Length, capacity - at);
        bytes[..first].CopyTo(new Span<byte>(Data + at, first));
        bytes[first..].CopyTo(new Span<byte>(Data, bytes.Length - first));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Read(long position, Span<byte> bytes, int capacity)
    {
        var at = (int)(position % capacity);
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

        // A pipe's receiving ends, rarely written.
        [FieldOffset(256)]
        public fixed int Readers[MaxEnds];
    }
}
