using Helpers.Measure;
using Xunit;

namespace Helpers.Tests.Measure;

/// <summary>The sentences the notebooks print from their figures, on made-up figures: each branch.</summary>
public sealed class DifferenceTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Five_runs_a_side_that_never_overlap_are_a_clear_difference_with_its_ratio_of_minimums()
    {
        var d = Difference.Of("pool", Spread.Of(1.0, 1.1, 1.2, 1.05, 1.3), "process", Spread.Of(20.0, 21, 25, 22, 30));

        Assert.True(d.Clear);
        Assert.True(d.ALess);
        Assert.Equal(2.0 / 252, d.PValue, 6);
        Assert.Equal(20.0, d.Ratio, 6);
        Assert.Equal("pool took less than process, 20.0× (best 1 s against 20 s, medians 1.1 s and 22 s; 25 of 25 pairs of runs agree).", d.Reading());
    }

    [Fact]
    public void The_direction_is_read_either_way_round()
    {
        var d = Difference.Of("standby", Spread.Of(30.0, 31, 32, 33, 34), "spawn", Spread.Of(3.0, 3.1, 3.2, 3.3, 3.4));

        Assert.True(d.Clear);
        Assert.False(d.ALess);
        Assert.StartsWith("spawn was quicker than standby, 10.0×", d.Reading("ms", "F1", "was quicker than"), StringComparison.Ordinal);
    }

    [Fact]
    public void Interleaved_figures_give_the_direction_seen_and_say_the_run_cannot_tell()
    {
        var d = Difference.Of("a", Spread.Of(1.0, 1.2, 1.4, 1.6, 1.8), "b", Spread.Of(1.1, 1.3, 1.5, 1.7, 1.9));

        Assert.False(d.Clear);
        Assert.True(d.ALess);
        Assert.Equal("a seemed to be quicker than b, 1.10× (best 1 ms against 1.1 ms, medians 1.4 ms and 1.5 ms), but this run cannot tell: only 15 of 25 pairs of runs agree, too few to rule out noise. Rerun the measurement, with other programs closed.", d.Reading("ms", "G3", "was quicker than"));
    }

    [Fact]
    public void When_the_minimums_point_against_the_pairs_the_ratio_comes_from_the_medians()
    {
        var d = Difference.Of("a", Spread.Of(5.0, 1.1, 1.2, 1.3, 1.4), "b", Spread.Of(1.0, 1.5, 1.6, 1.7, 1.8));

        Assert.True(d.ALess);
        Assert.False(d.Clear);
        Assert.Equal(1.6 / 1.3, d.Ratio, 9);
        Assert.StartsWith("a seemed to take less than b, 1.23×", d.Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void Three_runs_a_side_can_never_be_clear_and_the_reading_says_how_many_are_needed()
    {
        var d = Difference.Of("a", Spread.Of(1.0, 1.1, 1.2), "b", Spread.Of(9.0, 9.1, 9.2));

        Assert.Equal(0.1, d.PValue, 6);
        Assert.False(d.Clear);
        Assert.Contains("cannot tell: 4 runs a side are needed", d.Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_figures_cannot_be_told_apart()
    {
        var d = Difference.Of("a", Spread.Of(2.0, 2, 2, 2), "b", Spread.Of(2.0, 2, 2, 2));

        Assert.False(d.Clear);
        Assert.Equal(1, d.Ratio);
        Assert.StartsWith("a and b could not be told apart", d.Reading(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 5, 5, 2 * 4 / 252.0)]   // two of the 252 orderings of 5 + 5 have U ≤ 1 … U = 2 has 4 at or below
    [InlineData(3, 5, 5, 2 * 7 / 252.0)]
    [InlineData(0, 4, 4, 2 / 70.0)]
    [InlineData(0, 3, 3, 2 / 20.0)]
    [InlineData(12.5, 5, 5, 1.0)]
    public void The_exact_p_value_matches_the_tables(double u, int n, int m, double p) =>
        Assert.Equal(p, MannWhitney.TwoSidedP(u, n, m), 9);

    [Fact]
    public void A_spread_without_its_values_is_refused_with_what_to_do()
    {
        var e = Assert.Throws<ArgumentException>(() => Difference.Of("a", new Spread(1, 1, 1, 3), "b", Spread.Of(1.0, 2, 3)));
        Assert.Contains("Spread.Of(values)", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>A speedup curve's reading, on made-up times for 1, 2 and 4 workers on a 2-CPU machine.</summary>
public sealed class SpeedupReadingTests : IClassFixture<LeakCheck>
{
    private static SpeedupCurve Curve(double[] one, double[] two, double[] four) =>
        Speedup.FromTimes("pool", [(1, Spread.Of(one)), (2, Spread.Of(two)), (4, Spread.Of(four))]);

    private static readonly double[] One = [2.00, 2.02, 2.05, 2.10, 2.30];

    private static CpuShare Share(double cpus) => new(cpus, 2, Spread.Of(1.0), Spread.Of(1.0));

    [Fact]
    public void Ideal_scaling_that_flattens_beyond_the_cpu_count_says_both()
    {
        var curve = Curve(One, [1.01, 1.02, 1.04, 1.05, 1.2], [1.02, 1.03, 1.03, 1.06, 1.1]);

        var text = curve.Reading(2, Share(1.95));

        Assert.True(curve.Against1(2).Clear);
        Assert.Contains("2 workers ran the job 1.98× as fast as one", text, StringComparison.Ordinal);
        Assert.Contains("close to the ideal", text, StringComparison.Ordinal);
        Assert.Contains(". Beyond 2 workers the job got no faster that this run can tell (1.96× at 4, against 1.98× at 2)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot tell", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flat_curve_is_read_as_no_speedup_and_on_a_busy_machine_asks_for_a_rerun()
    {
        var curve = Curve(One, [1.9, 2.0, 2.2, 2.4, 2.6], [1.95, 2.1, 2.3, 2.5, 2.7]);

        var quiet = curve.Reading(2, Share(1.9));
        var busy = curve.Reading(2, Share(1.1));

        Assert.False(curve.Against1(2).Clear);
        Assert.StartsWith("This process had about 1.9 CPUs' worth of time of the machine's 2: nearly all of it. 2 workers ran the job no faster than one: 1.05× as fast as one", quiet, StringComparison.Ordinal);
        Assert.EndsWith("This run found no speedup.", quiet, StringComparison.Ordinal);
        Assert.EndsWith("Other programs held part of the machine meanwhile (see the share above): close them and rerun before concluding.", busy, StringComparison.Ordinal);
        Assert.StartsWith("This process had about 1.1 CPUs' worth of time of the machine's 2: other programs held the rest", busy, StringComparison.Ordinal);
        Assert.DoesNotContain("beyond", quiet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_speedup_that_cannot_be_told_blames_a_shared_machine_or_else_the_spread()
    {
        var curve = Curve(One, [1.3, 1.35, 1.4, 2.2, 2.4], [1.3, 1.35, 1.45, 2.2, 2.5]);   // 1.54× seen, runs all over

        Assert.Contains("seemed 1.54× as fast as one", curve.Reading(2, Share(1.2)), StringComparison.Ordinal);
        Assert.Contains("cannot tell that they were faster at all: this process had only about 1.2 CPUs' worth of time", curve.Reading(2, Share(1.2)), StringComparison.Ordinal);
        Assert.Contains("cannot tell that they were faster at all: the runs of one count varied more than the difference", curve.Reading(2, Share(1.9)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_noisy_run_on_a_quiet_machine_blames_the_spread_not_other_programs()
    {
        var curve = Curve(One, [1.1, 2.4, 1.3, 2.6, 2.2], [1.2, 2.5, 1.4, 2.7, 2.1]);

        var text = curve.Reading(2, Share(1.9));

        Assert.Contains("cannot tell that they were faster at all: the runs of one count varied more than the difference", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_speedup_capped_by_a_shared_machine_is_read_against_the_share()
    {
        var curve = Curve(One, [1.45, 1.46, 1.47, 1.5, 1.55], [1.44, 1.46, 1.5, 1.52, 1.6]);

        var text = curve.Reading(2, Share(1.4));

        Assert.Contains("2 workers ran the job 1.38× as fast as one", text, StringComparison.Ordinal);
        Assert.Contains("close to the 1.4 CPUs' worth this process had", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Above_the_ideal_line_is_called_an_overstatement()
    {
        var curve = Curve([4.0, 4.1, 4.2, 4.3, 4.4], [1.0, 1.01, 1.02, 1.03, 1.04], [1.0, 1.01, 1.02, 1.03, 1.04]);

        var text = curve.Reading(2);

        Assert.True(curve.At(2).AboveIdeal);
        Assert.Contains("above the ideal line even by its median", text, StringComparison.Ordinal);
    }

    [Fact]
    public void More_workers_than_cpus_that_win_clearly_point_at_other_work()
    {
        var curve = Curve(One, [1.5, 1.51, 1.52, 1.53, 1.54], [1.1, 1.11, 1.12, 1.13, 1.14]);

        Assert.Contains("4 workers were faster still (1.82×), which more workers than CPUs cannot give by themselves", curve.Reading(2), StringComparison.Ordinal);
    }

    [Fact]
    public void More_workers_than_cpus_that_lose_clearly_are_read_as_slower()
    {
        var curve = Curve(One, [1.0, 1.01, 1.02, 1.03, 1.04], [1.5, 1.51, 1.52, 1.53, 1.54]);

        Assert.Contains("Beyond 2 workers the job got slower (1.33× at 4)", curve.Reading(2), StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_slower_than_one_are_read_as_slower()
    {
        var curve = Curve(One, [3.0, 3.1, 3.2, 3.3, 3.4], [3.0, 3.1, 3.2, 3.3, 3.4]);

        Assert.Contains("2 workers were slower than one", curve.Reading(2), StringComparison.Ordinal);
    }

    [Fact]
    public void Several_curves_name_the_kinds_that_scaled_and_those_that_did_not()
    {
        var processes = Curve(One, [1.01, 1.02, 1.04, 1.05, 1.2], [1.02, 1.03, 1.03, 1.06, 1.1]) with { Name = "CPython processes" };
        var threads = Curve(One, [2.01, 2.2, 2.03, 2.04, 2.4], [2.02, 2.05, 2.1, 2.2, 2.3]) with { Name = "CPython threads" };

        var text = new[] { processes, threads }.Reading(2, Share(1.9));

        var lines = text.Split('\n');
        Assert.StartsWith("• This process had about 1.9 CPUs' worth of time of the machine's 2", lines[0], StringComparison.Ordinal);
        Assert.Equal("• Clearly faster with 2 workers than with one: CPython processes. Not clearly faster: CPython threads.", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("• CPython threads: 2 workers ran the job no faster than one", StringComparison.Ordinal));
    }

    [Fact]
    public void A_measured_curve_carries_the_share_of_the_machine_measured_in_its_own_rounds_and_reads_it_first()
    {
        var curves = Speedup.Compare([("sleep", (Func<int, double>)(n => 0.01 / n))], [1, 2], rounds: 4);

        var share = Assert.IsType<CpuShare>(curves[0].Share);
        Assert.Equal(4, share.Alone.Count);
        Assert.InRange(share.Cpus, 0.5, Environment.ProcessorCount);
        Assert.StartsWith("This process had about", curves[0].Reading(Environment.ProcessorCount), StringComparison.Ordinal);
        Assert.StartsWith("• This process had about", curves.Reading(Environment.ProcessorCount), StringComparison.Ordinal);
    }

    [Fact]
    public void One_cpu_has_no_speedup_to_read()
    {
        var curve = Speedup.FromTimes("pool", [(1, Spread.Of(One)), (2, Spread.Of(One))]);

        Assert.Contains("Only one worker was measured on this 1-CPU machine", curve.Reading(1), StringComparison.Ordinal);
    }

    [Fact]
    public void A_curve_needs_one_worker()
    {
        var e = Assert.Throws<ArgumentException>(() => Speedup.FromTimes("pool", [(2, Spread.Of(One))]));
        Assert.Contains("must include 1", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>How much of the machine a process had, measured for real.</summary>
public sealed class CpuShareTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void The_share_is_between_one_cpu_and_the_cpu_count()
    {
        var share = CpuShare.Measure(seconds: 0.05, rounds: 3);

        Assert.Equal(Environment.ProcessorCount, share.Of);
        Assert.InRange(share.Cpus, 0.5, Environment.ProcessorCount);
        Assert.Equal(3, share.Alone.Count);
        Assert.StartsWith("This process had about", share.Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_share_well_below_the_cpu_count_is_read_as_a_shared_machine()
    {
        var busy = new CpuShare(1.1, 2, Spread.Of(1.0), Spread.Of(1.8));
        var idle = new CpuShare(1.95, 2, Spread.Of(1.0), Spread.Of(1.02));

        Assert.True(busy.Shared);
        Assert.Contains("other programs held the rest, so no speedup could pass about 1.1×", busy.Reading(), StringComparison.Ordinal);
        Assert.False(idle.Shared);
        Assert.EndsWith("nearly all of it.", idle.Reading(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(11.0)]
    public void A_spin_outside_what_makes_sense_is_refused(double seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuShare.Measure(seconds));
}

/// <summary>A batch of equal tasks on a pool, read from its wall time.</summary>
public sealed class BatchReadingTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Overlapping_tasks_give_the_gain_and_what_went_beyond_the_rounds()
    {
        var batch = new Batch(Tasks: 10, Each: 0.2, Workers: 4, Seconds: 0.75);

        Assert.Equal(3, batch.Rounds);
        Assert.Equal("10 tasks of 0.2 s on 4 workers: 0.75 s in all, 2.7× less than 10 × 0.2 s = 2.0 s one after another, so the tasks overlapped. 4 workers need at least 3 rounds of 0.2 s = 0.6 s; the other 0.15 s went to the pool's own work (starting and stopping workers, the messages) and to whatever else ran on the machine.", batch.Reading());
    }

    [Fact]
    public void A_batch_no_quicker_than_one_after_another_cannot_show_the_lesson()
    {
        Assert.Contains("cannot show the tasks overlapping", new Batch(10, 0.2, 4, 2.5).Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_quicker_than_its_rounds_says_the_tasks_were_shorter_or_the_workers_more()
    {
        Assert.Contains("a task took less than 0.2 s, or more workers ran than 4", new Batch(10, 0.2, 4, 0.5).Reading(), StringComparison.Ordinal);
    }
}

/// <summary>Lost updates against work, read on made-up counts.</summary>
public sealed class LostUpdatesReadingTests : IClassFixture<LeakCheck>
{
    private static LostUpdates Lost(params (int Additions, double[] Lost)[] sizes) =>
        LostUpdates.Of(2, "process", sizes.Select(s => (s.Additions, Spread.Of(s.Lost))));

    [Fact]
    public void Losses_that_grow_with_work_are_read_as_the_lesson_with_the_quiet_sizes_and_the_share_lost()
    {
        var lost = Lost((1_000, [0, 0, 0, 0, 0]), (100_000, [10, 20, 30, 40, 50]), (1_000_000, [900, 1_000, 1_100, 1_200, 1_300]));

        var text = lost.Reading();

        Assert.StartsWith("Up to 1,000 additions per process, no run lost an update", text, StringComparison.Ordinal);
        Assert.Contains("At 1,000,000 additions per process, the runs lost 900 to 1,300 updates (median 1,100, 0.1 % of 2,000,000).", text, StringComparison.Ordinal);
        Assert.Contains("More work lost more: the runs at 1,000,000 additions lost more than those at 100,000", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_loss_anywhere_says_the_workers_never_overlapped()
    {
        Assert.StartsWith("No update was lost at any size in this run: the 2 processes never wrote", Lost((10, [0, 0, 0, 0]), (100, [0, 0, 0, 0])).Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void Losses_that_do_not_grow_say_the_run_does_not_show_it_and_noise_says_it_cannot_tell()
    {
        var flat = Lost((1_000, [500, 600, 700, 800, 900]), (1_000_000, [10, 20, 30, 40, 50]));
        var noisy = Lost((1_000, [10, 500, 30, 900, 50]), (1_000_000, [20, 600, 40, 1_000, 60]));

        Assert.Contains("This run does not show more work losing more", flat.Reading(), StringComparison.Ordinal);
        Assert.Contains("More work seemed to lose more, but this run cannot tell", noisy.Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_largest_size_that_lost_nothing_says_so_plainly()
    {
        var lost = Lost((1_000, [0, 0, 0, 0, 0]), (100_000, [0, 10, 0, 0, 0]), (1_000_000, [0, 0, 0, 0, 0]));

        Assert.Contains("At 1,000,000 additions per process, no run lost an update.", lost.Reading(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_run_is_set_beside_the_runs_of_its_size()
    {
        var lost = Lost((1_000, [0, 0, 0, 0, 0]), (1_000_000, [900, 1_000, 1_100, 1_200, 1_300]));

        Assert.EndsWith("lost 1,050: within this range, one draw from the same spread.", lost.Reading((1_000_000, 1_050)), StringComparison.Ordinal);
        Assert.Contains("lost 5,000: outside this range, which is no contradiction", lost.Reading((1_000_000, 5_000)), StringComparison.Ordinal);
    }
}
