using System.Diagnostics;
using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// How much of the machine this process had while it measured: the same spin run on one thread,
/// then on <see cref="Environment.ProcessorCount"/> threads at once. On an idle machine the threads
/// take as long together as one alone, and the share is the CPU count; where other programs hold
/// CPUs, the threads take turns and the share falls. Shown beside a speedup, it says how far the
/// speedup could rise on this machine at this moment.
/// </summary>
/// <param name="Cpus">The CPUs' worth of time this process had: the CPU count × (one spin alone ÷ the spins together), each read by its quickest round (a burst of other work only adds time, as everywhere in the course), at most the CPU count.</param>
/// <param name="Of">The CPU count (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="Alone">The wall times of one spin alone, in seconds.</param>
/// <param name="Together">The wall times of <paramref name="Of"/> spins at once, in seconds.</param>
public sealed record CpuShare(double Cpus, int Of, Spread Alone, Spread Together)
{
    /// <summary>Below this share of the CPU count, a reading says that other programs held part of the machine.</summary>
    public const double Busy = 0.85;

    /// <summary>Measures the share: <paramref name="rounds"/> rounds of one spin alone and the CPU count's spins at once, each spin about <paramref name="seconds"/> long.</summary>
    /// <param name="seconds">How long one spin takes on an idle CPU (calibrated first).</param>
    /// <param name="rounds">Rounds; each side is read by its quickest, so that a burst of other work in one round (a kernel compiling in the background, a child starting) does not decide the share.</param>
    public static CpuShare Measure(double seconds = 0.25, int rounds = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (!(seconds > 0 && seconds <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A spin lasts more than 0 and at most 10 seconds.");
        }

        var spinner = Spinner.Calibrated(seconds);
        var alone = new List<double>(rounds);
        var together = new List<double>(rounds);
        for (var round = 0; round < rounds; round++)
        {
            alone.Add(spinner.Alone());
            together.Add(spinner.Together());
        }

        return From(alone, together);
    }

    /// <summary>True if the share is below <see cref="Busy"/> of the CPU count: other programs held part of the machine.</summary>
    public bool Shared => Cpus < Busy * Of;

    /// <summary>"this process had about 1.4 CPUs' worth of time of its 2", and what that means for a speedup.</summary>
    public string Reading() => Shared
        ? string.Create(CultureInfo.InvariantCulture, $"This process had about {Cpus:F1} CPUs' worth of time of the machine's {Of}: other programs held the rest, so no speedup could pass about {Cpus:F1}× here now.")
        : string.Create(CultureInfo.InvariantCulture, $"This process had about {Cpus:F1} CPUs' worth of time of the machine's {Of}: nearly all of it.");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"about {Cpus:F1} CPUs' worth of {Of}");

    /// <summary>The share from spins timed elsewhere (interleaved with a measurement, as <see cref="Speedup"/> does), each side read by its quickest.</summary>
    internal static CpuShare From(IEnumerable<double> alone, IEnumerable<double> together)
    {
        var cpus = Environment.ProcessorCount;
        var (one, all) = (Spread.Of(alone), Spread.Of(together));
        return new CpuShare(Math.Min(cpus, cpus * one.Min / all.Min), cpus, one, all);
    }

    /// <summary>The spin, calibrated once: one thread alone, or one on every CPU at once; each returns its wall time in seconds.</summary>
    internal sealed class Spinner
    {
        private readonly long steps;

        private Spinner(long steps) => this.steps = steps;

        /// <summary>A spin that takes about <paramref name="seconds"/> on an idle CPU: a short run, then scaled.</summary>
        public static Spinner Calibrated(double seconds)
        {
            const long probe = 1L << 20;
            _ = Spin(probe); // compiled before it is timed
            var best = Enumerable.Range(0, 3).Min(_ => Trials.Seconds(() => Spin(probe)));
            return new Spinner(Math.Max(probe, (long)(probe * seconds / Math.Max(best, 1e-6))));
        }

        public double Alone() => Trials.Seconds(() => Spin(steps));

        public double Together()
        {
            var threads = Environment.ProcessorCount;
            using var ready = new Barrier(threads + 1);
            void Run()
            {
                ready.SignalAndWait();
                _ = Spin(steps);
            }

            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(Run) { IsBackground = true }).ToList();
            workers.ForEach(w => w.Start());
            ready.SignalAndWait();
            var clock = Stopwatch.StartNew();
            workers.ForEach(w => w.Join());
            return clock.Elapsed.TotalSeconds;
        }

        // A chain of xorshift steps: each depends on the one before, so none can be skipped or vectorized.
        private static ulong Spin(long steps)
        {
            var x = 88172645463325252UL;
            for (var i = 0L; i < steps; i++)
            {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
            }

            return x;
        }
    }
}
