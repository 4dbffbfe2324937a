using System.Globalization;
using System.Text.Json.Nodes;
using Helpers.Charts;

namespace Helpers.Measure;

/// <summary>One CPython thread of <see cref="CPython.ThreadTurns"/>: when it ran.</summary>
/// <param name="Thread">Its name ("Thread-1 (work)").</param>
/// <param name="Running">Its running slices, in milliseconds since the job began: between two, it was not running.</param>
/// <param name="CpuMilliseconds">The CPU time it used (<c>time.thread_time_ns</c>).</param>
public sealed record PythonThreadRun(string Thread, IReadOnlyList<(double Start, double End)> Running, double CpuMilliseconds)
{
    /// <summary>From its first slice's start to its last one's end, in milliseconds.</summary>
    public (double Start, double End) Alive => Running.Count == 0 ? (0, 0) : (Running[0].Start, Running[^1].End);
}

/// <summary>
/// CPython threads counting primes, each timing itself (<see cref="CPython.ThreadTurns"/>): how
/// often more than one of them ran Python code at once, which the GIL allows to one thread at a time.
/// </summary>
/// <remarks>
/// A gap in a thread's clock readings means it was not running: it waited for the GIL, or, on a busy
/// machine, for a CPU; these timings cannot tell the two apart, and the sentences that use them say so.
/// </remarks>
public sealed class PythonThreadTurns
{
    private PythonThreadTurns(string version, double milliseconds, double switchInterval, IReadOnlyList<PythonThreadRun> threads) =>
        (Version, Milliseconds, SwitchIntervalMilliseconds, Threads) = (version, milliseconds, switchInterval, threads);

    /// <summary>The CPython version that ran it.</summary>
    public string Version { get; }

    /// <summary>The job's wall time, in milliseconds.</summary>
    public double Milliseconds { get; }

    /// <summary><c>sys.getswitchinterval()</c>, in milliseconds: how long a thread may hold the GIL while another waits for it.</summary>
    public double SwitchIntervalMilliseconds { get; }

    /// <summary>The threads.</summary>
    public IReadOnlyList<PythonThreadRun> Threads { get; }

    /// <summary>The median length of a running slice, in milliseconds.</summary>
    public double MedianSlice
    {
        get
        {
            var lengths = Threads.SelectMany(t => t.Running.Select(s => s.End - s.Start)).Order().ToList();
            return lengths.Count == 0 ? 0 : lengths[lengths.Count / 2];
        }
    }

    /// <summary>How long, in milliseconds, at least <paramref name="atLeast"/> threads were alive at once (from each one's first slice to its last).</summary>
    public double AliveTogether(int atLeast = 2) => Overlap(Threads.Select(t => (IReadOnlyList<(double, double)>)[t.Alive]), atLeast);

    /// <summary>How long, in milliseconds, at least <paramref name="atLeast"/> threads were running at once.</summary>
    public double RunningTogether(int atLeast = 2) => Overlap(Threads.Select(t => t.Running), atLeast);

    /// <summary>A chart: a row per thread, a bar per running slice.</summary>
    public TimelineChart ToChart(string title)
    {
        var lanes = Threads.Select(t => $"CPython {t.Thread}").ToList();
        var bars = Threads.SelectMany((t, i) => t.Running.Select(s => new TimelineBar(
            lanes[i], "running Python code", s.Start, s.End,
            string.Create(CultureInfo.InvariantCulture, $"{t.Thread} ran {s.Start:0.00}–{s.End:0.00} ms ({s.End - s.Start:0.00} ms)"))));
        return new TimelineChart(title, lanes, bars);
    }

    /// <summary>Reads cpython.py's answer to "turns": nanoseconds since the job began.</summary>
    internal static PythonThreadTurns Parse(string json, string version)
    {
        static JsonNode Get(JsonNode? node, string key) => node?[key] ?? throw new FormatException($"no \"{key}\" in CPython's timings");
        var root = JsonNode.Parse(json) ?? throw new FormatException("CPython's timings are JSON null");
        var threads = Get(root, "threads").AsArray().Select(t =>
        {
            var running = Get(t, "slices").AsArray().Select(s => (s![0]!.GetValue<double>() / 1e6, s[1]!.GetValue<double>() / 1e6)).ToList();
            return new PythonThreadRun(Get(t, "name").GetValue<string>(), running, Get(t, "cpu_ns").GetValue<double>() / 1e6);
        }).ToList();
        return new PythonThreadTurns(version, Get(root, "wall_ns").GetValue<double>() / 1e6, Get(root, "switch_interval_s").GetValue<double>() * 1000, threads);
    }

    // A sweep over every slice's start (+1) and end (−1), counting the time with atLeast open.
    private static double Overlap(IEnumerable<IReadOnlyList<(double Start, double End)>> rows, int atLeast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(atLeast, 1);
        var edges = rows.SelectMany(r => r.SelectMany(s => new[] { (At: s.Start, Step: 1), (At: s.End, Step: -1) })).OrderBy(e => e.At).ThenBy(e => e.Step);
        var (open, last, total) = (0, 0.0, 0.0);
        foreach (var (at, step) in edges)
        {
            if (open >= atLeast)
            {
                total += at - last;
            }

            (last, open) = (at, open + step);
        }

        return total;
    }
}
