using System.Globalization;

namespace Helpers.Measure;

/// <summary>One worker count of a speedup measurement.</summary>
/// <param name="Workers">How many workers ran the job.</param>
/// <param name="Seconds">The wall times of the repetitions: median and range.</param>
/// <param name="Speedup">The one-worker median time divided by this median time.</param>
/// <param name="Low">The speedup of this count's slowest repetition (against the one-worker median).</param>
/// <param name="High">The speedup of this count's fastest repetition.</param>
public sealed record SpeedupPoint(int Workers, Spread Seconds, double Speedup, double Low, double High)
{
    /// <summary>Speedup per worker: 1 is perfect scaling.</summary>
    public double Efficiency => Speedup / Workers;

    /// <summary>True if even the slowest repetition beat the ideal (speedup = workers) by more than 10 %: a sign that the one-worker runs were slowed by other work.</summary>
    public bool AboveIdeal => Low > Workers * 1.1;

    /// <summary>"1.85× (1.70–1.93×)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Speedup:F2}× ({Low:F2}–{High:F2}×)");
}

/// <summary>A measured speedup curve: one <see cref="SpeedupPoint"/> per worker count.</summary>
/// <param name="Name">What ran, for the chart's legend.</param>
/// <param name="Points">The points, by worker count.</param>
public sealed record SpeedupCurve(string Name, IReadOnlyList<SpeedupPoint> Points)
{
    /// <summary>The point measured with the most workers not above <paramref name="workers"/>.</summary>
    public SpeedupPoint At(int workers) => Points.Last(p => p.Workers <= workers);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: " + string.Join(", ", Points.Select(p => $"{p.Workers}→{p}"));
}

/// <summary>
/// One row of a speedup table: what a chart shows, as figures that survive any renderer. A class
/// with properties, not a record, so that notebooks show a list of rows as a table with columns.
/// </summary>
public sealed class SpeedupRow
{
    internal SpeedupRow(string kind, int workers, string seconds, string speedup) => (Kind, Workers, Seconds, Speedup) = (kind, workers, seconds, speedup);

    /// <summary>The curve.</summary>
    public string Kind { get; }

    /// <summary>The worker count.</summary>
    public int Workers { get; }

    /// <summary>Median wall time and range, in seconds.</summary>
    public string Seconds { get; }

    /// <summary>Median speedup and range.</summary>
    public string Speedup { get; }
}

/// <summary>
/// Measures how a CPU-bound job speeds up with more workers: the wall time at 1, 2, …,
/// <see cref="Environment.ProcessorCount"/> workers, and at twice that to show oversubscription.
/// Several jobs are measured together, interleaved (see <see cref="Trials"/>), after a warm-up, so
/// that they are compared under the same conditions; each point keeps its median and range.
/// </summary>
public static class Speedup
{
    /// <summary>1, 2, …, the CPU count, then twice the CPU count.</summary>
    public static IReadOnlyList<int> DefaultWorkerCounts() =>
        [.. Enumerable.Range(1, Environment.ProcessorCount), 2 * Environment.ProcessorCount];

    /// <summary>Times one job at each worker count.</summary>
    /// <param name="name">What runs, for the legend.</param>
    /// <param name="run">Runs the whole job with the given number of workers and returns when it is done.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="rounds">Runs per count; the median and range are kept.</param>
    /// <param name="progress">Told, once at the end, how many runs took how long: one final line for the cell.</param>
    public static SpeedupCurve Measure(string name, Action<int> run, IEnumerable<int>? workerCounts = null, int rounds = 3, Action<string>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var curve = Compare([(name, run)], workerCounts, rounds)[0];
        progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{name}: {curve.Points.Count * rounds} timed runs in {clock.Elapsed.TotalSeconds:F0} s"));
        return curve;
    }

    /// <summary>Times several jobs at each worker count, interleaved: one curve per job.</summary>
    /// <param name="jobs">Each job's name and a run with the given number of workers.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="rounds">Runs per job and count.</param>
    public static IReadOnlyList<SpeedupCurve> Compare(IEnumerable<(string Name, Action<int> Run)> jobs, IEnumerable<int>? workerCounts = null, int rounds = 3)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return Compare(jobs.Select(j => (j.Name, (Func<int, double>)(n => Trials.Seconds(() => j.Run(n))))), workerCounts, rounds);
    }

    /// <summary>As <see cref="Compare(IEnumerable{ValueTuple{string, Action{int}}}, IEnumerable{int}?, int)"/>, for jobs that time themselves (another process, such as <see cref="CPython"/>).</summary>
    /// <param name="jobs">Each job's name and a run that returns its wall time in seconds.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="rounds">Runs per job and count.</param>
    /// <exception cref="ArgumentException">No count of 1 to compare with.</exception>
    public static IReadOnlyList<SpeedupCurve> Compare(IEnumerable<(string Name, Func<int, double> Seconds)> jobs, IEnumerable<int>? workerCounts = null, int rounds = 3)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var list = jobs.ToList();
        var counts = (workerCounts ?? DefaultWorkerCounts()).Distinct().Order().ToList();
        if (counts.Count == 0 || counts[0] != 1)
        {
            throw new ArgumentException("Speedup is measured against one worker: the counts must include 1.", nameof(workerCounts));
        }

        var inputs = list.SelectMany((_, job) => counts.Select(n => (Job: job, Workers: n))).ToList();
        var measured = Trials.Interleaved<(int Job, int Workers)>(inputs, x => list[x.Job].Seconds(x.Workers), rounds, warmUp: list.Select((_, job) => (job, counts[^1])));
        return [.. list.Select((job, j) =>
        {
            var points = measured.Where(m => m.Input.Job == j).ToList();
            var baseline = points[0].Result.Median;
            return new SpeedupCurve(job.Name, [.. points.Select(m => new SpeedupPoint(
                m.Input.Workers, m.Result, baseline / m.Result.Median, baseline / m.Result.Max, baseline / m.Result.Min))]);
        })];
    }

    /// <summary>The figures of <paramref name="curves"/>, one row per curve and worker count.</summary>
    public static IReadOnlyList<SpeedupRow> Table(this IEnumerable<SpeedupCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        return [.. curves.SelectMany(c => c.Points.Select(p => new SpeedupRow(c.Name, p.Workers, p.Seconds.ToString("F2"), p.ToString())))];
    }
}
