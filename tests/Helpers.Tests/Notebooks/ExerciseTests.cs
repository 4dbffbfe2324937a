using Helpers.Exercises;
using Helpers.Multiprocessing;
using Helpers.Tests.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>Exercise.Check: ✓ for a right attempt, ✗ with a hint for everything else, and nothing left behind.</summary>
public sealed class ExerciseTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_passing_attempt_is_a_tick_with_its_confirmation()
    {
        var verdict = Exercise.Check("00.1", "returns 4", () => Verdict.Pass("2 + 2 is 4."));

        Assert.True(verdict.Passed);
        Assert.Equal("✓ 00.1 2 + 2 is 4.", verdict.ToString());
        Assert.Contains("✓ 00.1", verdict.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_attempt_not_written_yet_is_not_done_yet_with_the_task_as_hint()
    {
        var verdict = Exercise.Check("00.2", "Squares(n) returns the first n squares", () => throw new NotImplementedException("your code here"));

        Assert.False(verdict.Passed);
        Assert.True(verdict.IsNotDoneYet);
        Assert.StartsWith("✗ 00.2 not done yet: ", verdict.ToString(), StringComparison.Ordinal);
        Assert.Contains("Squares(n) returns the first n squares", verdict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", verdict.Message, StringComparison.Ordinal);   // no stack trace
    }

    [Fact]
    public void Any_other_exception_is_a_cross_naming_it_without_a_trace()
    {
        var verdict = Exercise.Check("00.3", "divides", () => throw new AggregateException(new DivideByZeroException("no zero")));

        Assert.False(verdict.Passed);
        Assert.False(verdict.IsNotDoneYet);
        Assert.Contains("DivideByZeroException: no zero", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_attempt_that_hangs_is_a_cross_within_the_timeout_and_its_child_is_killed()
    {
        Process? child = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var verdict = Exercise.Check("00.4", "ends", () =>
        {
            child = new Process(Targets.Sleep, 120.0);
            child.Start();
            child.Join();
            return Verdict.Pass("joined");
        }, timeout: 3);

        Assert.True(clock.Elapsed.TotalSeconds < 20, $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.False(verdict.Passed);
        Assert.Contains("did not finish within 3 s", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("still running", verdict.Message, StringComparison.Ordinal);
        Assert.NotNull(child);
        Assert.True(Wait.PidGone(child!.Pid!.Value, 10), "the hanging attempt's child is still alive");
        Assert.DoesNotContain(child, Mp.ActiveChildren());
    }

    [Fact]
    public void A_right_attempt_that_leaves_a_child_running_is_a_cross_and_the_child_is_killed()
    {
        Process? child = null;

        var verdict = Exercise.Check("00.5", "joins its child", () =>
        {
            child = new Process(Targets.Sleep, 120.0);
            child.Start();
            return Verdict.Pass("started");
        });

        Assert.False(verdict.Passed);
        Assert.Contains("the results were right, but 1 child process was still running", verdict.Message, StringComparison.Ordinal);
        Assert.True(Wait.PidGone(child!.Pid!.Value, 10));
    }

    [Fact]
    public void An_attempt_that_leaves_a_shared_object_is_a_cross_naming_its_type()
    {
        Value<int>? left = null;
        try
        {
            var verdict = Exercise.Check("00.6", "disposes its value", () =>
            {
                left = new Value<int>(3);
                return Verdict.Pass("made a value");
            });

            Assert.False(verdict.Passed);
            Assert.Contains("Value", verdict.Message, StringComparison.Ordinal);
            Assert.Contains("Dispose", verdict.Message, StringComparison.Ordinal);
        }
        finally
        {
            left?.Dispose();
        }
    }

    [Fact]
    public void An_attempt_that_disposes_what_it_made_passes()
    {
        var verdict = Exercise.Check("00.7", "disposes its value", () =>
        {
            using var v = new Value<int>(3);
            return v.Get() == 3 ? Verdict.Pass("3") : Verdict.Fail("not 3");
        });

        Assert.True(verdict.Passed, verdict.ToString());
    }
}
