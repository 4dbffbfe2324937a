using System.Globalization;
using Helpers.Charts;

namespace Helpers.Tracing;

/// <summary>How a timeline's spans become a chart's bars: a colour per kind of work, waits thin, what was cut in red.</summary>
internal static class TimelineDrawing
{
    public static TimelineChart Chart(Timeline timeline, string title, Func<TimelineSpan, bool>? which)
    {
        ArgumentNullException.ThrowIfNull(title);
        var spans = timeline.Spans.Where(which ?? (_ => true)).ToList();
        var shown = spans.Select(s => s.Lane).ToHashSet();
        var instants = timeline.Instants.Where(i => which is null || shown.Contains(i.Lane)).ToList();
        shown.UnionWith(instants.Select(i => i.Lane));
        var lanes = timeline.Lanes.Where(shown.Contains).Select(l => l.Name).ToList();
        var bars = spans.Select(s => new TimelineBar(s.Lane.Name, KindOf(s), s.Start, s.End, Hover(s)) { Wait = DrawnAsWait(s), Cut = s.Cut, Height = HeightOf(s) });
        var marks = instants.Select(i => new TimelineMark(i.Lane.Name, i.Kind == TimelineKind.Queue ? (i.What.StartsWith("put", StringComparison.Ordinal) ? "put" : "get") : "ended", i.At, $"{i.What} · {i.Lane.Name} · {Ms(i.At)} ms"));
        // The table: what each span was, in words, without the hover's repetition of its row and times.
        var rows = spans.Select(s => (IReadOnlyList<string>)[s.Lane.Name, s.What, Ms(s.Start), Ms(s.Duration), s.CpuMilliseconds is { } cpu && s.Duration > 0 ? Percent(cpu / s.Duration) : "", Note(s)])
            .Concat(instants.Select(i => (IReadOnlyList<string>)[i.Lane.Name, i.What, Ms(i.At), "", "", ""]));
        return new TimelineChart(title, lanes, bars, marks).WithTable(["row", "what", "start ms", "ms", "CPU", "note"], rows);
    }

    private static string Note(TimelineSpan s) => string.Join("; ", new[] { s.Wait ? "a wait" : null, s.Cut ? "cut short" : null, s.Detail }.Where(n => n is not null));

    private static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    // The legend's names: what a student reads the colours as.
    private static string KindOf(TimelineSpan span) => span switch
    {
        { Kind: TimelineKind.Call, Cut: true } => "call lost",
        { Cut: true } => "cut short",
        { Kind: TimelineKind.Process, Wait: true } => span.What,
        { Kind: TimelineKind.Process } => "running its target",
        { Kind: TimelineKind.Task } => "task",
        { Kind: TimelineKind.Lock, Wait: true } => "waiting for a lock",
        { Kind: TimelineKind.Lock } => "holding a lock",
        { Kind: TimelineKind.Thread } => "thread running",
        { Kind: TimelineKind.Call } => "call",
        _ => "marked",
    };

    // A child's steps before its target are the work of starting it, each in a colour of its own (01
    // compares them); only a spare idling until it is asked is drawn as a wait.
    private static bool DrawnAsWait(TimelineSpan span) =>
        span.Wait && (span.Kind != TimelineKind.Process || span.What == TimelineReader.SpareWaiting);

    // Thinner the deeper it nests, so what lies inside stays visible: a child's run holds its tasks and
    // its locks, a task holds its locks.
    private static double HeightOf(TimelineSpan span) => span.Kind switch
    {
        TimelineKind.Process or TimelineKind.Thread or TimelineKind.Call => DrawnAsWait(span) ? 0.3 : 0.8,
        TimelineKind.Task or TimelineKind.Mark => 0.6,
        _ => span.Wait ? 0.2 : 0.4,
    };

    private static string Hover(TimelineSpan s)
    {
        var text = $"{s.What} · {s.Lane.Name} · {Ms(s.Start)}–{Ms(s.End)} ms ({Ms(s.Duration)} ms)";
        if (s.CpuMilliseconds is { } cpu && s.Duration > 0)
        {
            text += $" · CPU {Percent(cpu / s.Duration)} (its process's CPU time, all its threads)";
        }

        return s.Detail is null ? text : $"{text} · {s.Detail}";
    }

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
