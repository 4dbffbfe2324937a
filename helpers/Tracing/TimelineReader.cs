using System.Diagnostics;
using System.Globalization;

namespace Helpers.Tracing;

/// <summary>
/// Turns the raw events of every process into rows, spans and moments: a child's start steps into
/// phases, a begin and its end into a span, a span whose process died first into a cut one.
/// </summary>
internal static class TimelineReader
{
    // Args of lock, call and queue events (Recorder's callers write them).
    public const short LockWait = 0, LockHeld = 1, CallAnswered = 0, CallLost = 1, QueuePut = 0, QueueGet = 1, TaskSubmitted = 0, TaskClaimed = 1;

    // A cluster call's row is its silo's pid and this plus the pool's worker slot: apart from the silo's own threads.
    public const int CallRow = 1_000_000;

    // The steps of a child's life, in the order they happen (a spare's runtime is up before it is asked).
    public const string Asked = "asked", RuntimeUp = "runtime", RequestRead = "request", TargetBegun = "target", TargetEnded = "done", Gone = "gone";

    // The phase of a spare between its runtime's start and its request: idle, the one wait of a start.
    public const string SpareWaiting = "spare ready, waiting to be asked";

    /// <summary>What a stopped timeline holds.</summary>
    public sealed record Result(
        IReadOnlyList<TimelineLane> Lanes,
        IReadOnlyList<TimelineSpan> Spans,
        IReadOnlyList<TimelineInstant> Instants,
        long Dropped,
        double Length,
        DateTime StartedUtc);

    /// <summary>Reads <paramref name="records"/>; <paramref name="self"/> is the recording process, whose rows come first.</summary>
    public static Result Read(List<EventRecord> records, Dictionary<int, string> names, long origin, long stop, DateTime startedUtc, long dropped, int self)
    {
        // Stable: events of one tick keep the order they were claimed in (a release before the next acquire).
        records = [.. records.OrderBy(r => r.Ticks)];
        var reader = new State(names, origin, stop, self);
        reader.Scan(records);
        reader.Starts(records);
        return reader.Finish(dropped, startedUtc);
    }

    private sealed class State(Dictionary<int, string> names, long origin, long stop, int self)
    {
        private readonly Dictionary<int, string> processNames = [];
        private readonly Dictionary<(int Pid, int Thread), string> threadNames = [];
        private readonly Dictionary<int, double> deaths = [];
        private readonly Dictionary<long, double> submitted = [];
        private readonly Dictionary<long, double> claimed = [];
        private readonly Dictionary<(EventKind, int, int, long), EventRecord> open = [];
        private readonly Dictionary<long, EventRecord> openCalls = [];
        private readonly List<(int Pid, int Thread, TimelineKind Kind, string What, double Start, double End, bool Wait, bool Cut, double? Cpu, string? Detail)> spans = [];
        private readonly List<(int Pid, int Thread, TimelineKind Kind, string What, double At)> instants = [];
        private readonly double length = Ms(stop, origin);

        public void Scan(List<EventRecord> records)
        {
            foreach (var r in records)
            {
                switch ((EventKind)r.Kind)
                {
                    case EventKind.ProcessName:
                        processNames[r.Pid] = Name(r);
                        break;
                    case EventKind.Process when Name(r) == Gone:
                        deaths[(int)r.Value] = At(r);
                        break;
                    case EventKind.Task when r.Phase == (byte)EventPhase.Instant && r.Arg == TaskSubmitted:
                        submitted.TryAdd(r.Id, At(r));
                        break;
                    case EventKind.Task when r.Phase == (byte)EventPhase.Instant:
                        claimed[r.Id] = At(r);
                        break;
                    case EventKind.Queue:
                        instants.Add((r.Pid, r.Thread, TimelineKind.Queue, $"{(r.Arg == QueuePut ? "put on" : "get from")} {Name(r)}", At(r)));
                        break;
                    case EventKind.Call:
                        Call(r);
                        break;
                    case EventKind.Task or EventKind.Lock or EventKind.Thread or EventKind.Mark:
                        Pair(r);
                        break;
                }
            }

            // What never ended: cut at its process's death, or still going when the timeline stopped.
            foreach (var ((kind, pid, thread, _), begin) in open)
            {
                var died = deaths.TryGetValue(pid, out var death);
                Add(begin, kind, died ? death : length, begin.Value, cut: died, detail: died ? "its process ended first" : "still going when the timeline stopped");
            }

            foreach (var begin in openCalls.Values)
            {
                spans.Add(((int)begin.Value, CallRow + begin.Arg, TimelineKind.Call, Name(begin), At(begin), length, false, false, null, "no answer when the timeline stopped"));
            }
        }

        // A child's phases, from the steps its parent and itself recorded with one start number.
        public void Starts(List<EventRecord> records)
        {
            foreach (var steps in records.Where(r => r.Kind == (byte)EventKind.Process).GroupBy(r => r.Id))
            {
                var list = steps.ToList();
                var own = list.FirstOrDefault(r => Name(r) is not (Asked or Gone));
                var pid = own.Kind != 0 ? own.Pid : (int)list[0].Value;
                var thread = own.Kind != 0 ? own.Thread : 1;
                for (var i = 0; i < list.Count; i++)
                {
                    var step = Name(list[i]);
                    var start = Math.Max(0, At(list[i]));
                    if (i + 1 < list.Count)
                    {
                        var next = Name(list[i + 1]);
                        var (what, wait) = Phase(step, next, list);
                        var killed = step == TargetBegun && next == Gone;
                        spans.Add((pid, thread, TimelineKind.Process, what, start, Math.Max(start, At(list[i + 1])), wait, killed, null, killed ? "its process ended before the target returned" : null));
                    }
                    else if (step == Gone)
                    {
                        var ended = list.FirstOrDefault(r => Name(r) == TargetEnded);
                        instants.Add((pid, thread, TimelineKind.Process, ended.Kind != 0 ? $"ended (exit code {ended.Value})" : "ended before its target returned", start));
                    }
                    else
                    {
                        spans.Add((pid, thread, TimelineKind.Process, Phase(step, Gone, list).What, start, length, step != TargetBegun, false, null, "still going when the timeline stopped"));
                    }
                }
            }
        }

        public Result Finish(long dropped, DateTime startedUtc)
        {
            var keys = spans.Select(s => (s.Pid, s.Thread, s.Start)).Concat(instants.Select(i => (i.Pid, i.Thread, Start: i.At)))
                .GroupBy(k => (k.Pid, k.Thread), k => k.Start)
                .Select(g => (g.Key.Pid, g.Key.Thread, First: g.Min()))
                .ToList();
            var firstOfProcess = keys.GroupBy(k => k.Pid).ToDictionary(g => g.Key, g => g.Min(k => k.First));
            var lanes = keys
                .OrderBy(k => k.Pid == self ? 0 : 1).ThenBy(k => firstOfProcess[k.Pid]).ThenBy(k => k.Pid).ThenBy(k => k.First)
                .Select(k => new TimelineLane(k.Pid, k.Thread, LaneName(k.Pid, k.Thread, keys.Count(o => o.Pid == k.Pid && o.Thread < CallRow))))
                .ToList();
            var byKey = lanes.ToDictionary(l => (l.Pid, l.Thread));
            var done = spans
                .Select(s => new TimelineSpan(byKey[(s.Pid, s.Thread)], s.Kind, s.What, s.Start, s.End) { Wait = s.Wait, Cut = s.Cut, CpuMilliseconds = s.Cpu, Detail = s.Detail })
                .OrderBy(s => s.Start).ThenByDescending(s => s.Duration)
                .ToList();
            var moments = instants.Select(i => new TimelineInstant(byKey[(i.Pid, i.Thread)], i.Kind, i.What, i.At)).OrderBy(i => i.At).ToList();
            return new Result(lanes, done, moments, dropped, length, startedUtc);
        }

        private string LaneName(int pid, int thread, int lanesOfProcess)
        {
            if (thread >= CallRow)
            {
                return string.Create(CultureInfo.InvariantCulture, $"silo {(pid == 0 ? "?" : pid)} · worker {thread - CallRow + 1}");
            }

            var process = processNames.TryGetValue(pid, out var name) ? name : string.Create(CultureInfo.InvariantCulture, $"pid {pid}");

            // A thread started through the helpers is named as it is; another gets its number only where the process has several rows.
            return threadNames.TryGetValue((pid, thread), out var named) ? $"{process} · {named}"
                : lanesOfProcess == 1 ? process
                : string.Create(CultureInfo.InvariantCulture, $"{process} · thread {thread}");
        }

        private void Pair(EventRecord r)
        {
            var kind = (EventKind)r.Kind;

            // A mark's number is unique, and its end may come on another thread (after an await): paired by number alone.
            var key = kind == EventKind.Mark ? (kind, 0, 0, r.Id) : (kind, r.Pid, r.Thread, r.Id);
            if (kind == EventKind.Thread && r.Phase == (byte)EventPhase.Begin)
            {
                threadNames[(r.Pid, r.Thread)] = Name(r);
            }

            if (r.Phase == (byte)EventPhase.Begin)
            {
                // A lock taken after a wait: the wait ends where the hold begins.
                if (kind == EventKind.Lock && r.Arg == LockHeld && open.Remove(key, out var wait))
                {
                    Add(wait, kind, At(r), 0, cut: false, detail: null);
                }

                open[key] = r;
            }
            else if (r.Phase == (byte)EventPhase.End && open.Remove(key, out var begin))
            {
                Add(begin, kind, At(r), r.Value, cut: false, detail: null);
            }
        }

        private void Call(EventRecord r)
        {
            if (r.Phase == (byte)EventPhase.Begin)
            {
                openCalls[r.Id] = r;
            }
            else if (r.Phase == (byte)EventPhase.End && openCalls.Remove(r.Id, out var begin))
            {
                var lost = r.Arg == CallLost;
                var silo = (int)(r.Value != 0 ? r.Value : begin.Value);
                spans.Add((silo, CallRow + begin.Arg, TimelineKind.Call, Name(begin), At(begin), At(r), false, lost, null, lost ? "lost with its silo, sent again" : null));
            }
        }

        private void Add(EventRecord begin, EventKind kind, double end, long endValue, bool cut, string? detail)
        {
            var start = At(begin);
            switch (kind)
            {
                case EventKind.Task:
                    // Windows counts a process's CPU time in clock ticks (about 15.6 ms): a short task can read 0,
                    // or more than its length; a sum over many tasks is right.
                    var cpu = endValue >= begin.Value && !cut ? (endValue - begin.Value) / (double)TimeSpan.TicksPerMillisecond : (double?)null;
                    var queued = !submitted.TryGetValue(begin.Id, out var at) ? null
                        : claimed.TryGetValue(begin.Id, out var taken) ? string.Create(CultureInfo.InvariantCulture, $"submitted {start - at:0.00} ms before it began, claimed {start - taken:0.00} ms before")
                        : string.Create(CultureInfo.InvariantCulture, $"submitted {start - at:0.00} ms before it began");
                    spans.Add((begin.Pid, begin.Thread, TimelineKind.Task, string.Create(CultureInfo.InvariantCulture, $"task {begin.Id & 0xffffffff}: {Name(begin)}"), start, end, false, cut, cpu, Join(queued, detail)));
                    break;
                case EventKind.Lock:
                    var waiting = begin.Arg == LockWait;
                    spans.Add((begin.Pid, begin.Thread, TimelineKind.Lock, waiting ? $"waiting for {Name(begin)}" : $"{Name(begin)} held", start, end, waiting, cut, null, detail));
                    break;
                case EventKind.Thread:
                    spans.Add((begin.Pid, begin.Thread, TimelineKind.Thread, Name(begin), start, end, false, cut, null, detail));
                    break;
                default:
                    spans.Add((begin.Pid, begin.Thread, TimelineKind.Mark, Name(begin), start, end, false, cut, null, detail));
                    break;
            }
        }

        private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}; {b}";

        // A phase is named by the step that begins it and the one that ends it.
        private (string What, bool Wait) Phase(string step, string next, List<EventRecord> steps) => (step, next) switch
        {
            (RuntimeUp, Asked) => (SpareWaiting, true),
            (Asked, RuntimeUp) => ("runtime starting", true),
            (Asked, RequestRead) => ("request sent to the spare", true),
            (RuntimeUp, RequestRead) => ("reading its request", true),
            (RequestRead, TargetBegun) => ("loading the target", true),
            (TargetBegun, _) => ("running the target", false),
            (TargetEnded, _) => ("exiting", true),
            (Asked, _) => (steps.Any(r => Name(r) == RuntimeUp) ? "starting" : "starting (never came up)", true),
            _ => ($"{step} → {next}", true),
        };

        private string Name(EventRecord r) => names.TryGetValue(r.Name, out var name) ? name : "?";

        private double At(EventRecord r) => Ms(r.Ticks, origin);

        private static double Ms(long ticks, long origin) => (ticks - origin) * 1000.0 / Stopwatch.Frequency;
    }
}
