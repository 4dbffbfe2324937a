using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// One worker count of a speedup measurement. Times are read by their minimum, the standard for a
/// noisy machine (other work only adds time): <see cref="Speedup"/> is the one-worker minimum over
/// this count's minimum. The range allows for the medians too: from the one-worker minimum over this
/// count's median (<see cref="Low"/>) to the one-worker median over this count's minimum (<see cref="High"/>).
/// </summary>
/// <param name="Workers">How many workers ran the job.</param>
/// <param name="Seconds">The wall times of the repetitions.</param>
/// <param name="Speedup">The one-worker minimum time divided by this count's minimum time.</param>
/// <param name="Low">The one-worker minimum over this count's median.</param>
/// <param name="High">The one-worker median over this count's minimum.</param>
public sealed record SpeedupPoint(int Workers, Spread Seconds, double Speedup, double Low, double High)
{
    /// <summary>Speedup per worker: 1 is perfect scaling.</summary>
    public double Efficiency => Speedup / Workers;

    /// <summary>True if even <see cref="Low"/> beats the ideal (speedup = workers) by more than 10 %: the one-worker runs were slowed by other work.</summary>
    public bool AboveIdeal => Low > Workers * 1.1;

    /// <summary>"1.85× (1.70–1.93×)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Speedup:F2}× ({Low:F2}–{High:F2}×)");
}

/// <summary>A measured speedup curve: one <see cref="SpeedupPoint"/> per worker count.</summary>
/// <param name="Name">What ran, for the chart's legend.</param>
/// <param name="Points">The points, by worker count; the first is one worker.</param>
public sealed record SpeedupCurve(string Name, IReadOnlyList<SpeedupPoint> Points)
{
    /// <summary>How much of the machine the measurement had, measured in its own rounds (<see cref="Speedup.Compare(IEnumerable{ValueTuple{string, Func{int, double}}}, IEnumerable{int}?, int)"/>); null for a curve made from times measured elsewhere.</summary>
    public CpuShare? Share { get; init; }

    /// <summary>The point measured with the most workers not above <paramref name="workers"/>.</summary>
    public SpeedupPoint At(int workers) => Points.Last(p => p.Workers <= workers);

    /// <summary>
    /// Whether <paramref name="workers"/> workers (the nearest count measured at or below it) ran the
    /// job in less time than one, and whether this run can tell (<see cref="Difference"/>'s rule).
    /// </summary>
    public Difference Against1(int workers)
    {
        var at = At(workers);
        return Difference.Of(Workers(at.Workers), at.Seconds, "one worker", Points[0].Seconds);
    }

    /// <summary>What this curve shows at <paramref name="cpus"/> workers and beyond, in sentences computed from its figures.</summary>
    /// <param name="cpus">The CPU count (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="share">How much of the machine the measurement had, to say how far the speedup could rise; if null, the curve's own <see cref="Share"/>, measured in its rounds.</param>
    public string Reading(int cpus, CpuShare? share = null)
    {
        share ??= Share;
        var sentences = Sentences(cpus, share, detailed: true).Select(s => char.ToUpperInvariant(s[0]) + s[1..]);
        return string.Join(" ", share is null ? sentences : sentences.Prepend(share.Reading()));
    }

    /// <summary>As <see cref="Reading"/>, for the figures of one curve among several: its name first, in fewer words.</summary>
    internal IEnumerable<string> Sentences(int cpus, CpuShare? share, bool detailed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cpus, 1);
        var at = At(cpus);
        var faster = Against1(cpus);
        var name = detailed ? "" : Name + ": ";
        if (at.Workers == 1)
        {
            yield return $"{name}only one worker was measured on this {cpus}-CPU machine, so there is no speedup to read.";
            yield break;
        }

        var figures = string.Create(CultureInfo.InvariantCulture, $"{at.Speedup:F2}× as fast as one (best runs; {at.Low:F2}–{at.High:F2}× allowing for the medians), efficiency {at.Efficiency:P0}");
        var ceiling = Math.Min(at.Workers, share?.Cpus ?? at.Workers);
        if (faster.Clear && faster.ALess)
        {
            var reach = at.Speedup >= 0.8 * ceiling
                ? share is { Shared: true } && at.Speedup < 0.8 * at.Workers ? string.Create(CultureInfo.InvariantCulture, $", close to the {share.Cpus:F1} CPUs' worth this process had") : ", close to the ideal"
                : share is { Shared: true } ? string.Create(CultureInfo.InvariantCulture, $"; other programs held part of the CPUs (this process had about {share.Cpus:F1} CPUs' worth), which caps what {at.Workers} workers can gain")
                : "; the rest went to what the workers share (memory, caches, messages) and to the job's serial part";
            yield return $"{name}{at.Workers} workers ran the job {figures}{reach}.";
        }
        else if (faster.Clear)
        {
            yield return $"{name}{at.Workers} workers were slower than one: {figures}. More workers cost more than they gained: the job is too small for its messages, or other programs took the CPUs.";
        }
        else if (at.Speedup < 1.1)
        {
            var check = share is { Shared: true }
                ? " Other programs held part of the machine meanwhile (see the share above): close them and rerun before concluding."
                : "";
            yield return $"{name}{at.Workers} workers ran the job no faster than one: {figures}. This run found no speedup.{check}";
        }
        else
        {
            var why = share is { Shared: true }
                ? string.Create(CultureInfo.InvariantCulture, $"this process had only about {share.Cpus:F1} CPUs' worth of time: other programs held the rest. Close them, or rerun when they end")
                : "the runs of one count varied more than the difference. Rerun the measurement";
            yield return $"{name}{at.Workers} workers seemed {figures}, but this run cannot tell that they were faster at all: {why}.";
        }

        foreach (var above in Points.Where(p => p.AboveIdeal))
        {
            yield return $"{name}at {Workers(above.Workers)} the speedup is above the ideal line even by its median ({above}): the one-worker runs were slowed by other work, so this curve's speedups overstate.";
        }

        if (Points[^1].Workers > at.Workers && faster.Clear && faster.ALess)
        {
            var over = Points[^1];
            var beyond = Difference.Of(Workers(over.Workers), over.Seconds, Workers(at.Workers), at.Seconds);
            yield return beyond.Clear && beyond.ALess
                ? string.Create(CultureInfo.InvariantCulture, $"{name}{over.Workers} workers were faster still ({over.Speedup:F2}×), which more workers than CPUs cannot give by themselves: either other work competed for the CPUs (more workers win a larger share of them), or the work was shared unevenly among fewer workers (one left with the slow part while another idled).")
                : beyond.Clear
                    ? string.Create(CultureInfo.InvariantCulture, $"{name}beyond {at.Workers} workers the job got slower ({over.Speedup:F2}× at {over.Workers}): every CPU already had a worker, and the extra workers only add switching between them.")
                    : string.Create(CultureInfo.InvariantCulture, $"{name}beyond {at.Workers} workers the job got no faster that this run can tell ({over.Speedup:F2}× at {over.Workers}, against {at.Speedup:F2}× at {at.Workers}): every CPU already had a worker, and the extra workers only take turns.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: " + string.Join(", ", Points.Select(p => $"{p.Workers}→{p}"));

    private static string Workers(int n) => n == 1 ? "one worker" : $"{n} workers";
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

    /// <summary>Median wall time and range (quickest–slowest), in seconds.</summary>
    public string Seconds { get; }

    /// <summary>The speedup of the quickest runs, and its range allowing for the medians (see <see cref="SpeedupPoint"/>).</summary>
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
    // How long one spin of the share's measurement takes, twice a round: short beside the jobs' runs.
    private const double ShareSpinSeconds = 0.2;

    /// <summary>1, 2, …, the CPU count, then twice the CPU count.</summary>
    public static IReadOnlyList<int> DefaultWorkerCounts() =>
        [.. Enumerable.Range(1, Environment.ProcessorCount), 2 * Environment.ProcessorCount];

    /// <summary>Times one job at each worker count.</summary>
    /// <param name="name">What runs, for the legend.</param>
    /// <param name="run">Runs the whole job with the given number of workers and returns when it is done.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="rounds">Runs per count; at least <see cref="Difference.FewestFigures"/> for a reading to call a difference.</param>
    /// <param name="progress">Told, once at the end, how many runs took how long: one final line for the cell.</param>
    public static SpeedupCurve Measure(string name, Action<int> run, IEnumerable<int>? workerCounts = null, int rounds = 8, Action<string>? progress = null)
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
    public static IReadOnlyList<SpeedupCurve> Compare(IEnumerable<(string Name, Action<int> Run)> jobs, IEnumerable<int>? workerCounts = null, int rounds = 8)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return Compare(jobs.Select(j => (j.Name, (Func<int, double>)(n => Trials.Seconds(() => j.Run(n))))), workerCounts, rounds);
    }

    /// <summary>As <see cref="Compare(IEnumerable{ValueTuple{string, Action{int}}}, IEnumerable{int}?, int)"/>, for jobs that time themselves (another process, such as <see cref="CPython"/>).</summary>
    /// <param name="jobs">Each job's name and a run that returns its wall time in seconds.</param>
    /// <param name="workerCounts">The counts to measure; <see cref="DefaultWorkerCounts"/> if null. Must include 1.</param>
    /// <param name="rounds">Runs per job and count.</param>
    /// <exception cref="ArgumentException">No count of 1 to compare with.</exception>
    public static IReadOnlyList<SpeedupCurve> Compare(IEnumerable<(string Name, Func<int, double> Seconds)> jobs, IEnumerable<int>? workerCounts = null, int rounds = 8)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var list = jobs.ToList();
        var counts = (workerCounts ?? DefaultWorkerCounts()).Distinct().Order().ToList();
        if (counts.Count == 0 || counts[0] != 1)
        {
            throw new ArgumentException("Speedup is measured against one worker: the counts must include 1.", nameof(workerCounts));
        }

        // The share of the machine is measured in the same rounds, between the jobs' runs: a spin alone
        // (job -1) and one on every CPU (job -2), so that it tells what the runs themselves had.
        var spinner = CpuShare.Spinner.Calibrated(ShareSpinSeconds);
        var inputs = list.SelectMany((_, job) => counts.Select(n => (Job: job, Workers: n))).Append((-1, 0)).Append((-2, 0)).ToList();
        var measured = Trials.Interleaved<(int Job, int Workers)>(
            inputs,
            x => x.Job switch { -1 => spinner.Alone(), -2 => spinner.Together(), _ => list[x.Job].Seconds(x.Workers) },
            rounds,
            warmUp: list.Select((_, job) => (job, counts[^1])));
        var share = CpuShare.From(measured.Single(m => m.Input.Job == -1).Result.Values, measured.Single(m => m.Input.Job == -2).Result.Values);
        return [.. list.Select((job, j) => FromTimes(job.Name, measured.Where(m => m.Input.Job == j).Select(m => (m.Input.Workers, m.Result))) with { Share = share })];
    }

    /// <summary>A curve from times measured elsewhere: each worker count with the spread of its wall times (<see cref="Spread.Of(IEnumerable{double})"/>).</summary>
    /// <param name="name">What ran.</param>
    /// <param name="times">Each worker count and its times, in seconds; a count of 1 is required.</param>
    /// <exception cref="ArgumentException">No count of 1, or a count measured twice.</exception>
    public static SpeedupCurve FromTimes(string name, IEnumerable<(int Workers, Spread Seconds)> times)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(times);
        var points = times.OrderBy(t => t.Workers).ToList();
        if (points.Count == 0 || points[0].Workers != 1)
        {
            throw new ArgumentException("Speedup is measured against one worker: the counts must include 1.", nameof(times));
        }

        if (points.Select(p => p.Workers).Distinct().Count() != points.Count)
        {
            throw new ArgumentException("Each worker count once: merge the times of a count into one Spread.", nameof(times));
        }

        var one = points[0].Seconds;
        return new SpeedupCurve(name, [.. points.Select(p => new SpeedupPoint(
            p.Workers, p.Seconds, one.Min / p.Seconds.Min, one.Min / p.Seconds.Median, one.Median / p.Seconds.Min))]);
    }

    /// <summary>
    /// What several curves measured together show, in sentences computed from their figures: which
    /// kinds ran clearly faster with <paramref name="cpus"/> workers than with one, which did not,
    /// then each curve's own reading (see <see cref="SpeedupCurve.Reading"/>), one line each.
    /// </summary>
    /// <param name="curves">The curves, measured together (<see cref="Compare(IEnumerable{ValueTuple{string, Func{int, double}}}, IEnumerable{int}?, int)"/>).</param>
    /// <param name="cpus">The CPU count (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="share">How much of the machine the measurement had; if null, the curves' own (<see cref="SpeedupCurve.Share"/>).</param>
    public static string Reading(this IEnumerable<SpeedupCurve> curves, int cpus, CpuShare? share = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var list = curves.ToList();
        var lines = new List<string>();
        share ??= list.Select(c => c.Share).FirstOrDefault(s => s is not null);
        if (share is not null)
        {
            lines.Add(share.Reading());
        }

        if (cpus > 1)
        {
            var scaled = list.Where(c => c.Against1(cpus) is { Clear: true, ALess: true }).Select(c => c.Name).ToList();
            var not = list.Where(c => !scaled.Contains(c.Name)).Select(c => c.Name).ToList();
            lines.Add((scaled.Count, not.Count) switch
            {
                (_, 0) => $"Every kind ran clearly faster with {cpus} workers than with one.",
                (0, _) => $"No kind ran clearly faster with {cpus} workers than with one in this run.",
                _ => $"Clearly faster with {cpus} workers than with one: {string.Join(", ", scaled)}. Not clearly faster: {string.Join(", ", not)}.",
            });
        }

        lines.AddRange(list.SelectMany(c => c.Sentences(cpus, share, detailed: false)));
        return string.Join("\n", lines.Select(l => "• " + l));
    }

    /// <summary>The figures of <paramref name="curves"/>, one row per curve and worker count.</summary>
    public static IReadOnlyList<SpeedupRow> Table(this IEnumerable<SpeedupCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        return [.. curves.SelectMany(c => c.Points.Select(p => new SpeedupRow(c.Name, p.Workers, p.Seconds.ToString("F2"), p.ToString())))];
    }
}
