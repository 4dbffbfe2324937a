using Helpers.Measure;
using Xunit;

namespace Helpers.Tests.Measure;

/// <summary>CPython beside the helpers: a real python3 answers each job with its figure.</summary>
public sealed class CPythonTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_cpython_with_the_asked_start_method_answers_every_job_with_a_figure()
    {
        using var python = CPython.TryStart(out var reason, "spawn") ?? throw new InvalidOperationException(reason);

        Assert.Equal("spawn", python.StartMethod);
        Assert.Matches(@"^3\.\d+\.\d+", python.Version);
        Assert.InRange(python.StartJoinMilliseconds(pauseSeconds: 0, runs: 2), 0.01, 60_000);
        Assert.InRange(python.QueueItemsPerSecond(1_000), 1, 1e9);
        Assert.InRange(python.PipeRoundTripMicroseconds(100, warmUp: 10), 0.01, 1e7);
        Assert.InRange(python.PrimesSeconds("threads", 2, 10_000), 0, 60);
    }

    [Fact]
    public void Without_a_start_method_it_is_the_platforms_default_and_a_wrong_job_is_refused()
    {
        using var python = CPython.TryStart(out var reason) ?? throw new InvalidOperationException(reason);

        Assert.Contains(python.StartMethod, new[] { "fork", "forkserver", "spawn" });
        var e = Assert.Throws<ArgumentException>(() => python.PrimesSeconds("fibers", 2, 100));
        Assert.Contains("\"threads\" or \"processes\"", e.Message, StringComparison.Ordinal);
    }
}
