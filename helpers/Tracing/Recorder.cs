using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Helpers.Multiprocessing;

namespace Helpers.Tracing;

/// <summary>
/// Where every process of a program writes its events while a <see cref="Timeline"/> records: one
/// block of <see cref="SharedMemory"/> that the parent created and keeps mapped, so the events of a
/// child that is killed are already where the parent reads them. A child joins through its
/// <see cref="SpawnRequest"/> (<see cref="TimelineRef"/>), so its own children join too.
/// </summary>
/// <remarks>
/// The block: a header, an append-only area of names (a name's id is its offset, so each process
/// writes a name once), then fixed records (<see cref="EventRecord"/>). A writer claims a record with
/// one atomic add and writes its kind last; a reader skips a record whose kind is still 0. A full
/// block counts what it refuses and never blocks or wraps. Every time is a
/// <see cref="Stopwatch.GetTimestamp"/>: one monotonic clock for every process of the machine
/// (CLOCK_MONOTONIC on Linux, CLOCK_UPTIME_RAW on macOS, QueryPerformanceCounter on Windows).
/// </remarks>
internal sealed unsafe class Recorder : IDisposable
{
    /// <summary>Room for names: process, lock, queue and function names, each written once per process.</summary>
    public const int NamesSize = 64 * 1024;

    private const int Magic = 0x314C5448; // "HTL1"
    private const int HeaderSize = 128;
    private const int RecordsOffset = HeaderSize + NamesSize;

    private static int localIds;

    [ThreadStatic]
    private static string? lastName;

    [ThreadStatic]
    private static int lastNameId;

    [ThreadStatic]
    private static Recorder? lastRecorder;
    private readonly SharedMemory memory;
    private readonly ConcurrentDictionary<string, int> names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Label, long Id)> objects = new(StringComparer.Ordinal);
    private readonly bool owner;
    private int writers;
    private int closed;

    private Recorder(SharedMemory memory, bool owner) => (this.memory, this.owner) = (memory, owner);

    /// <summary>The recorder of this process while a timeline records (the parent's, or the one a child joined); else null.</summary>
    /// <remarks>Every place that records starts with <c>if (Recorder.Current is { } r)</c>: off, an event costs this one read.</remarks>
    public static Recorder? Current { get; private set; }

    /// <summary>How many records the block holds.</summary>
    public int Capacity => H->Capacity;

    /// <summary>The clock's value when the timeline started: time 0 of every chart.</summary>
    public long OriginTicks => H->OriginTicks;

    /// <summary>The wall clock (UTC) at <see cref="OriginTicks"/>, for the export's metadata.</summary>
    public DateTime OriginUtc => new(H->OriginUtcTicks, DateTimeKind.Utc);

    /// <summary>True if <paramref name="reference"/> is this recorder's block (a child started while it recorded).</summary>
    public bool Holds(TimelineRef reference) => reference.Name == memory.Name;

    /// <summary>What a child needs to join: the block's name and size.</summary>
    public TimelineRef ToRef(long startId) => new(memory.Name, memory.Size, startId);

    private Header* H => (Header*)memory.Address;

    /// <summary>Creates the block for <paramref name="capacity"/> records and makes it this process's <see cref="Current"/>.</summary>
    public static Recorder Start(int capacity)
    {
        var size = RecordsOffset + ((long)capacity * sizeof(EventRecord));
        var memory = Parts.Build(typeof(Timeline), parts => parts.Add(new SharedMemory(size)));
        var recorder = new Recorder(memory, owner: true);

        // Touch every page now, so that no event pays for the first write to a page of its own.
        for (var page = 0L; page < size; page += Environment.SystemPageSize)
        {
            memory.Address[page] = 0;
        }

        var h = recorder.H;
        (h->Magic, h->RecordSize, h->Capacity) = (Magic, sizeof(EventRecord), capacity);
        h->Frequency = Stopwatch.Frequency;
        h->OriginUtcTicks = DateTime.UtcNow.Ticks;
        h->OriginTicks = Stopwatch.GetTimestamp();
        Volatile.Write(ref h->On, 1);
        Current = recorder;
        return recorder;
    }

    /// <summary>
    /// In a child: joins the parent's block named in its request, once, and names this process there.
    /// A block that is gone or not a timeline's (the parent stopped it meanwhile) is ignored: a child
    /// never fails because of a timeline.
    /// </summary>
    public static Recorder? Join(TimelineRef reference, string processName)
    {
        if (Current is { } joined)
        {
            return joined;
        }

        try
        {
            var recorder = new Recorder(SharedMemory.Attach(reference.Name, reference.Size), owner: false);
            if (recorder.H->Magic != Magic || recorder.H->RecordSize != sizeof(EventRecord) || recorder.H->Frequency != Stopwatch.Frequency)
            {
                recorder.memory.Dispose();
                return null;
            }

            // Map every page now (reading is enough for a shared mapping), so that no event pays for it.
            for (var page = 0L; page < reference.Size; page += Environment.SystemPageSize)
            {
                _ = Volatile.Read(ref recorder.memory.Address[page]);
            }

            Current = recorder;
            recorder.Name(processName);
            return recorder;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A number no other process of this program gives: this process's id, then a count.</summary>
    public static long NewId() => ((long)Environment.ProcessId << 32) | (uint)Interlocked.Increment(ref localIds);

    /// <summary>Records one event now (or at <paramref name="ticks"/>, a time taken earlier).</summary>
    /// <param name="kind">What it is about.</param>
    /// <param name="phase">Begin, end or a moment.</param>
    /// <param name="name">Its name; a name is written once per process, so it should not be made per event.</param>
    /// <param name="id">What ties it to related events.</param>
    /// <param name="value">A number the kind gives a meaning.</param>
    /// <param name="arg">A small number the kind gives a meaning.</param>
    /// <param name="ticks">Its time, if taken earlier; now if 0.</param>
    /// <param name="pid">The process it is on, if not this one (a lock released for its holder).</param>
    /// <param name="thread">The thread it is on, if not this one.</param>
    public void Record(EventKind kind, EventPhase phase, string name, long id = 0, long value = 0, short arg = 0, long ticks = 0, int pid = 0, int thread = 0)
    {
        var now = ticks != 0 ? ticks : Stopwatch.GetTimestamp();
        if (!owner)
        {
            // A child never unmaps the block while it runs: no guard is needed.
            Write(now, kind, phase, name, id, value, arg, pid, thread);
            return;
        }

        // The parent unmaps the block only once no writer of its own is inside (see Dispose).
        Interlocked.Increment(ref writers);
        try
        {
            if (Volatile.Read(ref closed) == 0)
            {
                Write(now, kind, phase, name, id, value, arg, pid, thread);
            }
        }
        finally
        {
            Interlocked.Decrement(ref writers);
        }
    }

    /// <summary>Records a lock's wait or hold beginning or ending.</summary>
    /// <param name="kind">"Lock" or "RLock".</param>
    /// <param name="sharedName">Its shared memory's name, the same in every process: its number and label come from it.</param>
    /// <param name="phase">Begin or end.</param>
    /// <param name="arg"><see cref="TimelineReader.LockWait"/> or <see cref="TimelineReader.LockHeld"/>.</param>
    /// <param name="holderPid">For a release: the holder's process (a lock may be released by another thread or process, and the hold is the holder's).</param>
    /// <param name="holderThread">For a release: the holder's thread.</param>
    public void Lock(string kind, string sharedName, EventPhase phase, short arg, int holderPid = 0, int holderThread = 0)
    {
        var (label, id) = Shared(kind, sharedName);
        Record(EventKind.Lock, phase, label, id, arg: arg, pid: holderPid, thread: holderThread);
    }

    /// <summary>Records an item put on (<see cref="TimelineReader.QueuePut"/>) or taken from a queue.</summary>
    /// <param name="sharedName">The queue's shared memory's name.</param>
    /// <param name="arg"><see cref="TimelineReader.QueuePut"/> or <see cref="TimelineReader.QueueGet"/>.</param>
    /// <param name="ticks">When, if taken earlier (a put is stamped before it is visible to a getter).</param>
    public void Queue(string sharedName, short arg, long ticks = 0)
    {
        var (label, id) = Shared("Queue", sharedName);
        Record(EventKind.Queue, EventPhase.Instant, label, id, arg: arg, ticks: ticks);
    }

    /// <summary>True while the timeline this process records into has not been stopped (in a child, by its parent).</summary>
    public bool IsOn => Volatile.Read(ref closed) == 0 && Volatile.Read(ref H->On) != 0;

    /// <summary>Names this process (the lanes' labels).</summary>
    public void Name(string processName) => Record(EventKind.ProcessName, EventPhase.Instant, processName);

    /// <summary>Stops every process's recording (they check at each event) and returns what was recorded.</summary>
    public (List<EventRecord> Records, Dictionary<int, string> Names, long Dropped, long StopTicks) Stop()
    {
        var stop = Stopwatch.GetTimestamp();
        Volatile.Write(ref H->On, 0);
        if (Current == this)
        {
            Current = null;
        }

        var count = (int)Math.Min(Volatile.Read(ref H->Next), H->Capacity);
        var records = new List<EventRecord>(count);
        var ids = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            // A record still being written (its kind not yet set) is left out.
            if (Volatile.Read(ref Records[i].Kind) != 0)
            {
                records.Add(Records[i]);
                ids.Add(Records[i].Name);
            }
        }

        return (records, ids.ToDictionary(id => id, ReadName), Volatile.Read(ref H->Dropped), stop);
    }

    /// <summary>Unmaps the block once no thread of this process is writing to it; the creator also removes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        if (Current == this)
        {
            Current = null;
        }

        var spinner = default(SpinWait);
        while (Volatile.Read(ref writers) != 0)
        {
            spinner.SpinOnce();
        }

        if (owner)
        {
            memory.Dispose();
        }
    }

    private EventRecord* Records => (EventRecord*)((byte*)memory.Address + RecordsOffset);

    // A shared object's label ("Lock 3f2a": the end of its random name) and number, the same in every process.
    private (string Label, long Id) Shared(string kind, string sharedName) =>
        objects.TryGetValue(sharedName, out var known) ? known : objects.GetOrAdd(sharedName, n => ($"{kind} {n[Math.Max(0, n.Length - 4)..]}", StableHash(n)));

    // FNV-1a: string.GetHashCode differs from process to process.
    private static long StableHash(string text)
    {
        var hash = unchecked((long)14695981039346656037UL);
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211L);
        }

        return hash;
    }

    private void Write(long ticks, EventKind kind, EventPhase phase, string name, long id, long value, short arg, int pid, int thread)
    {
        if (Volatile.Read(ref H->On) == 0)
        {
            return;
        }

        var index = Interlocked.Increment(ref H->Next) - 1;
        if (index >= H->Capacity)
        {
            Interlocked.Increment(ref H->Dropped);
            return;
        }

        var record = Records + index;
        record->Ticks = ticks;
        record->Id = id;
        record->Value = value;
        record->Pid = pid != 0 ? pid : Environment.ProcessId;
        record->Thread = thread != 0 ? thread : Environment.CurrentManagedThreadId;
        record->Name = NameId(name);
        record->Arg = arg;
        record->Phase = (byte)phase;

        // Last, with release semantics: a reader that sees the kind sees the whole record.
        Volatile.Write(ref record->Kind, (byte)kind);
    }

    // The same name as this thread's last event (a loop's, usually) skips the dictionary.
    private int NameId(string name)
    {
        if (ReferenceEquals(name, lastName) && ReferenceEquals(this, lastRecorder))
        {
            return lastNameId;
        }

        var id = names.TryGetValue(name, out var known) ? known : names.GetOrAdd(name, AddName);
        (lastName, lastNameId, lastRecorder) = (name, id, this);
        return id;
    }

    // Appends [length][UTF-8 bytes]; -1 when the area is full (the reader shows "?").
    private int AddName(string name)
    {
        // Once full, the area takes nothing more, so its end can never run past int's range.
        if (Volatile.Read(ref H->NamesNext) >= NamesSize)
        {
            return -1;
        }

        var bytes = Encoding.UTF8.GetBytes(name.Length > 200 ? name[..200] : name);
        var at = Interlocked.Add(ref H->NamesNext, sizeof(int) + bytes.Length) - bytes.Length - sizeof(int);
        if (at < 0 || at + sizeof(int) + bytes.Length > NamesSize)
        {
            return -1;
        }

        var place = (byte*)memory.Address + HeaderSize + at;
        bytes.CopyTo(new Span<byte>(place + sizeof(int), bytes.Length));
        Volatile.Write(ref *(int*)place, bytes.Length);
        return at;
    }

    private string ReadName(int id)
    {
        if (id < 0 || id + sizeof(int) > NamesSize)
        {
            return "?";
        }

        var place = (byte*)memory.Address + HeaderSize + id;
        var length = Volatile.Read(ref *(int*)place);
        return length > 0 && id + sizeof(int) + length <= NamesSize ? Encoding.UTF8.GetString(place + sizeof(int), length) : "?";
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Header
    {
        public int Magic;
        public int RecordSize;
        public int Capacity;
        public int On;
        public long Frequency;
        public long OriginTicks;
        public long OriginUtcTicks;
        public long Next;
        public long Dropped;
        public int NamesNext;
    }
}

/// <summary>What a child needs to join its parent's timeline, in its <see cref="SpawnRequest"/>.</summary>
/// <param name="Name">The block's <see cref="SharedMemory.Name"/>.</param>
/// <param name="Size">Its size.</param>
/// <param name="StartId">The number that ties the parent's events of this start to the child's.</param>
internal sealed record TimelineRef(string Name, long Size, long StartId);

/// <summary>
/// What an event is about, as it is stored: <see cref="TimelineKind"/>'s kinds (see there), after
/// 0 for a record not yet whole, and before one that names the process that writes it.
/// </summary>
internal enum EventKind : byte
{
    /// <summary>Not written yet (a record's kind is written last).</summary>
    None = 0,

    /// <summary><see cref="TimelineKind.Process"/>.</summary>
    Process,

    /// <summary><see cref="TimelineKind.Task"/>.</summary>
    Task,

    /// <summary><see cref="TimelineKind.Lock"/>.</summary>
    Lock,

    /// <summary><see cref="TimelineKind.Queue"/>.</summary>
    Queue,

    /// <summary><see cref="TimelineKind.Thread"/>.</summary>
    Thread,

    /// <summary><see cref="TimelineKind.Call"/>.</summary>
    Call,

    /// <summary><see cref="TimelineKind.Mark"/>.</summary>
    Mark,

    /// <summary>Names the process that writes it.</summary>
    ProcessName,
}

/// <summary>Whether an event begins a span, ends one, or stands alone.</summary>
internal enum EventPhase : byte
{
    /// <summary>A moment.</summary>
    Instant,

    /// <summary>A span begins.</summary>
    Begin,

    /// <summary>A span ends.</summary>
    End,
}

/// <summary>One event as it lies in the block: 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EventRecord
{
    /// <summary>When: <see cref="Stopwatch.GetTimestamp"/>.</summary>
    public long Ticks;

    /// <summary>What ties related events: a task's number, a lock's, a start's, a call's.</summary>
    public long Id;

    /// <summary>A number the kind gives a meaning: CPU time, a child's pid, an exit code.</summary>
    public long Value;

    /// <summary>The process that wrote it.</summary>
    public int Pid;

    /// <summary>The managed thread that wrote it.</summary>
    public int Thread;

    /// <summary>The name's id in the names area.</summary>
    public int Name;

    /// <summary>A small number the kind gives a meaning: a lock's wait or hold, a worker's slot.</summary>
    public short Arg;

    /// <summary>An <see cref="EventPhase"/>.</summary>
    public byte Phase;

    /// <summary>An <see cref="EventKind"/>; 0 until the record is whole.</summary>
    public byte Kind;
}
