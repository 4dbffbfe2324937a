using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>
/// The standby start method (CPython's forkserver idea): a spare child waits, ready, for the next
/// <see cref="Process.Start"/>. It is not a child until taken, it never outlives its parent, and a
/// child started from it sees the parent's environment of the moment it was started.
/// </summary>
public sealed class StandbyTests : IClassFixture<LeakCheck>, IDisposable
{
    private readonly TempDir temp = new();

    public StandbyTests() => Mp.SetStartMethod(Mp.StandbyMethod, force: true);

    public void Dispose()
    {
        Mp.SetStartMethod(Mp.StandbyMethod, force: true);
        temp.Dispose();
    }

    [Fact]
    public void After_a_start_a_spare_waits_and_is_not_an_active_child()
    {
        var spare = ReadySpare();

        Assert.Empty(Mp.ActiveChildren());
        Assert.True(Wait.PidAlive(spare));
    }

    [Fact]
    public void The_next_start_takes_the_spare_and_a_new_one_replaces_it()
    {
        var spare = ReadySpare();

        var p = new Process(Targets.RecordIdentity, temp.File("id"));
        p.Start();
        p.Join();

        Assert.Equal(spare, p.Pid);
        Assert.Equal(0, p.ExitCode);
        Assert.True(Wait.Until(() => Standby.SparePid is { } next && next != spare), "no new spare replaced the one taken");
    }

    [Fact]
    public void The_spare_that_replaces_a_taken_one_starts_only_once_the_child_has_begun_its_target()
    {
        var spare = ReadySpare();
        Assert.True(Wait.Until(() => Standby.ReadyPids.Count == Standby.Wanted && Standby.Starting == 0), "the spares wanted did not get ready");
        var gate = new Gate(temp.File("go"));

        var p = new Process(Targets.Held, gate);
        p.Start();
        try
        {
            // Held in its start (rebuilding its argument), the child has not begun: no spare competes with it.
            Assert.Equal(spare, p.Pid);
            Assert.Equal(0, Standby.Starting);
            Assert.Equal(Standby.Wanted - 1, Standby.ReadyPids.Count);
        }
        finally
        {
            File.WriteAllText(gate.Path, "go");
            p.Join(60);
        }

        Assert.Equal(0, p.ExitCode);
        Assert.True(File.Exists(gate.Path + ".ran"));
        Assert.True(Wait.Until(() => Standby.SparePid is { } next && next != spare), "no new spare replaced the one taken");
    }

    [Fact]
    public void Starts_that_come_together_keep_more_spares_but_never_more_than_a_CPU_each()
    {
        _ = ReadySpare();

        // The note's own pattern: a child per CPU and more, started in a loop, then joined.
        var children = Enumerable.Range(0, 2 * Mp.CpuCount()).Select(_ => new Process(Targets.Nothing)).ToList();
        children.ForEach(c => c.Start());
        children.ForEach(c => c.Join());

        Assert.All(children, c => Assert.Equal(0, c.ExitCode));
        Assert.InRange(Standby.Wanted, Math.Min(2, Mp.CpuCount()), Mp.CpuCount());
        Assert.True(Wait.Until(() => Standby.ReadyPids.Count == Standby.Wanted), $"{Standby.ReadyPids.Count} spares ready, {Standby.Wanted} wanted");
        var spares = Standby.ReadyPids;
        Assert.Equal(spares.Count, spares.Distinct().Count());
        Assert.Empty(Mp.ActiveChildren());

        Mp.SetStartMethod(Mp.SpawnMethod, force: true);

        Assert.All(spares, pid => Assert.True(Wait.PidGone(pid, seconds: 10), $"spare {pid} outlived the switch to spawn"));
        Assert.Equal(1, Standby.Wanted);
    }

    [Fact]
    public void A_child_sees_an_environment_variable_set_after_the_spare_started()
    {
        var spare = ReadySpare();
        var variable = "HELPERS_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "set after the spare");
        try
        {
            var p = new Process(Targets.RecordVariable, temp.File("value"), variable);
            p.Start();
            p.Join();

            Assert.Equal("set after the spare", File.ReadAllText(temp.File("value")));
            Assert.NotEqual(spare, p.Pid);
            Assert.True(Wait.PidGone(spare, seconds: 10), "the discarded spare did not exit");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Switching_to_spawn_ends_the_spare_and_starts_children_cold()
    {
        var spare = ReadySpare();

        Mp.SetStartMethod(Mp.SpawnMethod, force: true);
        var p = new Process(Targets.Nothing);
        p.Start();
        p.Join();

        Assert.True(Wait.PidGone(spare, seconds: 10), "the spare outlived the switch to spawn");
        Assert.NotEqual(spare, p.Pid);
        Assert.Null(Standby.SparePid);
        Assert.Equal(Mp.SpawnMethod, Mp.GetStartMethod());
    }

    [Fact]
    public void A_spare_exits_when_its_parent_is_killed()
    {
        var pidFile = temp.File("spare");
        var parent = new Process(Targets.StartOneAndReportSpare, pidFile);
        parent.Start();
        var spare = Wait.ForPidIn(pidFile, "the child never reported a spare");
        Assert.True(Wait.PidAlive(spare));

        parent.Kill();
        parent.Join();

        Assert.True(Wait.PidGone(spare, seconds: 10), $"spare {spare} outlived its killed parent");
    }

    [Theory]
    [InlineData("fork", "fork()")]
    [InlineData("forkserver", "fork()")]
    [InlineData("threads", "Unknown start method")]
    public void Start_methods_dotnet_cannot_offer_are_refused_with_the_alternatives(string method, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Mp.SetStartMethod(method, force: true));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("spawn", e.Message, StringComparison.Ordinal);
        Assert.Equal(Mp.StandbyMethod, Mp.GetStartMethod());
    }

    [Fact]
    public void Setting_the_method_twice_needs_force_as_in_Python()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Mp.SetStartMethod(Mp.SpawnMethod));

        Assert.Contains("force: true", e.Message, StringComparison.Ordinal);
        Assert.Equal([Mp.StandbyMethod, Mp.SpawnMethod], Mp.GetAllStartMethods());
    }

    [Fact]
    public void Starting_a_process_fixes_the_method_as_in_Python_and_none_with_force_opens_it_again()
    {
        Mp.SetStartMethod(null, force: true);
        Assert.Null(Mp.GetStartMethod(allowNone: true));

        var p = new Process(Targets.Nothing);
        p.Start();
        p.Join();

        Assert.Equal(Mp.StandbyMethod, Mp.GetStartMethod(allowNone: true));
        Assert.Throws<InvalidOperationException>(() => Mp.SetStartMethod(Mp.SpawnMethod));
    }

    // Starts and joins one child, then waits (with a deadline) for the spare that replaces it.
    private static int ReadySpare()
    {
        var p = new Process(Targets.Nothing);
        p.Start();
        p.Join();
        Assert.True(Wait.Until(() => Standby.SparePid is not null), "no spare was started");
        return Standby.SparePid!.Value;
    }
}
