namespace Helpers.Tracing;

/// <summary>What a span or moment of a <see cref="Timeline"/> is about.</summary>
public enum TimelineKind
{
    /// <summary>A step of a child process's life: its start, its target's run, its exit.</summary>
    Process,

    /// <summary>A pool task (a chunk of calls) run by a worker.</summary>
    Task,

    /// <summary>A lock: waited for (<see cref="TimelineSpan.Wait"/>) or held.</summary>
    Lock,

    /// <summary>An item put on or taken from a queue.</summary>
    Queue,

    /// <summary>A thread's run.</summary>
    Thread,

    /// <summary>A cluster call, on the silo that ran it.</summary>
    Call,

    /// <summary>A span the program marked itself (<see cref="Timeline.Mark"/>).</summary>
    Mark,
}

/// <summary>One row of a timeline's chart: a process, or one thread of it, or one worker of a silo.</summary>
/// <param name="Pid">The OS process id (for a cluster call, the silo's).</param>
/// <param name="Thread">The managed thread id (for a cluster call, the pool's worker slot).</param>
/// <param name="Name">Its label: the process's name, with the thread's when the process has several rows.</param>
public sealed record TimelineLane(int Pid, int Thread, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Something that lasted: a task, a lock held, a wait, a phase of a child's start.</summary>
/// <param name="Lane">Where it ran.</param>
/// <param name="Kind">What it is about.</param>
/// <param name="What">What it was, in words ("task 3 of square", "Lock 3f2a held").</param>
/// <param name="Start">Its start, in milliseconds since the timeline started.</param>
/// <param name="End">Its end, in milliseconds since the timeline started.</param>
public sealed record TimelineSpan(TimelineLane Lane, TimelineKind Kind, string What, double Start, double End)
{
    /// <summary>Its length in milliseconds.</summary>
    public double Duration => End - Start;

    /// <summary>True for time spent waiting (for a lock, for a child's runtime), not working.</summary>
    public bool Wait { get; init; }

    /// <summary>True when it never ended: its process died first (a killed child, a lost silo call).</summary>
    public bool Cut { get; init; }

    /// <summary>
    /// For a pool task: the CPU time its worker process used meanwhile, in milliseconds. Windows counts
    /// it in clock ticks (about 15.6 ms), so there a short task's figure is coarse; add many up.
    /// </summary>
    public double? CpuMilliseconds { get; init; }

    /// <summary>More words for the chart's hover and the export (how long a task waited in the queue, the silo's exit).</summary>
    public string? Detail { get; init; }
}

/// <summary>A moment: an item put on a queue, a task submitted.</summary>
/// <param name="Lane">Where it happened.</param>
/// <param name="Kind">What it is about.</param>
/// <param name="What">What happened, in words.</param>
/// <param name="At">When, in milliseconds since the timeline started.</param>
public sealed record TimelineInstant(TimelineLane Lane, TimelineKind Kind, string What, double At);
