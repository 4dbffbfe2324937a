using System.Diagnostics;

namespace Helpers.Measure;

/// <summary>One worker count of a speedup measurement.</summary>
/// <param name="Workers">How many workers ran the job.</param>
/// <param name="Seconds">The median wall time of the repetitions.</param>
/// <param name="Speedup">The one-worker time divided by this time.</param>
/// <param name="Efficiency">Speedup per worker: 1 is perfect scaling.</param>
public sealed record SpeedupPoint(int Workers, double Seconds, double Speedup, double Efficiency);

/// <summary>A measured speedup curve: one <see cref="SpeedupPoint"/> per worker count.</summary>
/// <param name="Name">What ran, for the chart's legend.</param>
/// <param name="Points">The points, by worker count.</param>
public sealed record SpeedupCurve(string Name, IReadOnlyList<SpeedupPoint> Points)
{
    /// <summary>The point measured with the most workers not above <paramref name="workers"/>.</summary>
    public SpeedupPoint At(int workers) => Points.Last(p => p.Workers <= workers);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: " + string.Join(", ", Points.Select(p => FormattableString.Invariant($"{p.Workers}→{p.Speedup:F2}× ({p.Seconds:F2} s)")));
}

/// <summary>
/// Measures how a CPU-bound job speeds up with more workers: the wall time at 1, 2, …,
/// <see cref="Environment.ProcessorCount"/> workers, and at twice that to show oversubscription.
/// Each count runs several times and keeps the median; speedup is against one worker.
/// </summary>
public static class Speedup
{
    /// <summary>1, 2, …, the CPU count, then twice the CPU count.</summary>
    public static IReadOnlyList<int> DefaultWorkerCounts() =>
        [.. Enumerable.Range(1, Environment.ProcessorCount), 2 * Environment.ProcessorCount];

    /// <summary>Times <paramref name="run"/> at each worker count.</summary>
    /// <param name="name">What runs, for the legend.</param>
    /// <param name="run">Runs the whole job with the given number of workers and returns when it is done.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="repetitions">Runs per count; the median is kept.</param>
    /// <param name="progress">Told what is being measured, for a display that updates (see the notebook glue).</param>
    /// <exception cref="ArgumentException">No count of 1 to compare with, or fewer than one repetition.</exception>
    public static SpeedupCurve Measure(string name, Action<int> run, IEnumerable<int>? workerCounts = null, int repetitions = 3, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var counts = (workerCounts ?? DefaultWorkerCounts()).Distinct().Order().ToList();
        if (counts.Count == 0 || counts[0] != 1)
        {
            throw new ArgumentException("Speedup is measured against one worker: the counts must include 1.", nameof(workerCounts));
        }

        var medians = new List<(int Workers, double Seconds)>();
        foreach (var workers in counts)
        {
            var times = new List<double>();
            for (var r = 1; r <= repetitions; r++)
            {
                progress?.Invoke($"{name}: {workers} worker{(workers == 1 ? "" : "s")}, run {r} of {repetitions}…");
                var clock = Stopwatch.StartNew();
                run(workers);
                times.Add(clock.Elapsed.TotalSeconds);
            }

            times.Sort();
            medians.Add((workers, times[times.Count / 2]));
        }

        var baseline = medians[0].Seconds;
        progress?.Invoke($"{name}: done.");
        return new SpeedupCurve(name, [.. medians.Select(m => new SpeedupPoint(m.Workers, m.Seconds, baseline / m.Seconds, baseline / m.Seconds / m.Workers))]);
    }
}
