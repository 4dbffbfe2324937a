using System.Text.Json;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Process semantics, with the expectations of CPython's own test_multiprocessing.</summary>
public sealed class ProcessTests : IClassFixture<LeakCheck>, IDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_process_is_not_alive_before_start_runs_in_another_pid_and_exits_0()
    {
        var p = new Process(Targets.RecordIdentity, temp.File("id"));
        Assert.False(p.IsAlive);
        Assert.Null(p.ExitCode);
        Assert.Null(p.Pid);
        Assert.Equal("Process", p.Name[..7]);

        p.Start();
        p.Join();

        Assert.False(p.IsAlive);
        Assert.Equal(0, p.ExitCode);
        var id = JsonDocument.Parse(File.ReadAllText(temp.File("id"))).RootElement;
        Assert.Equal(p.Pid, id.GetProperty("OsPid").GetInt32());
        Assert.NotEqual(Environment.ProcessId, p.Pid);
    }

    [Fact]
    public void The_child_sees_its_own_name_pid_and_its_parent()
    {
        var p = new Process(Targets.RecordIdentity, temp.File("id")) { Name = "worker", Daemon = true };
        p.Start();
        p.Join();

        var id = JsonDocument.Parse(File.ReadAllText(temp.File("id"))).RootElement;
        Assert.Equal("worker", id.GetProperty("Name").GetString());
        Assert.Equal(p.Pid, id.GetProperty("Pid").GetInt32());
        Assert.True(id.GetProperty("Daemon").GetBoolean());
        Assert.True(id.GetProperty("IsAlive").GetBoolean());
        Assert.Equal(Mp.CurrentProcess().Name, id.GetProperty("ParentName").GetString());
        Assert.Equal(Environment.ProcessId, id.GetProperty("ParentPid").GetInt32());
    }

    [Fact]
    public void The_main_process_is_named_MainProcess_and_has_no_parent()
    {
        var me = Mp.CurrentProcess();
        Assert.Equal("MainProcess", me.Name);
        Assert.Equal(Environment.ProcessId, me.Pid);
        Assert.True(me.IsAlive);
        Assert.Null(me.ExitCode);
        Assert.Null(Mp.ParentProcess());
        Assert.Throws<InvalidOperationException>(me.Start);
        Assert.Throws<InvalidOperationException>(() => me.Join());
        Assert.Equal(Environment.ProcessorCount, Mp.CpuCount());
    }

    [Fact]
    public void Positional_and_keyword_arguments_arrive_intact()
    {
        var path = temp.File("args");
        var p = new Process(Targets.RecordArgs, path, 7, "héllo", 3, new[] { 1, 2, 3 }, new Point(4, 5), new Point(6, 7))
        {
            Kwargs = { ["h"] = 9L },
        };
        p.Start();
        p.Join();
        Assert.Equal(0, p.ExitCode);

        var got = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        Assert.Equal(7, got[0].GetInt32());
        Assert.Equal("héllo", got[1].GetString());
        Assert.Equal(3.0, got[2].GetDouble());
        Assert.Equal([1, 2, 3], got[3].EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(5, got[4].GetProperty("Y").GetInt32());
        Assert.Equal("(4,5)", got[4].GetProperty("Label").GetString());
        Assert.Equal("(6,7)", got[5].GetProperty("Label").GetString());
        Assert.Equal("default", got[6].GetString());
        Assert.Equal(9, got[7].GetInt64());
    }

    [Fact]
    public void A_subclass_carries_its_fields_to_the_child_and_runs_Run_there()
    {
        var path = temp.File("squares");
        var p = new Squarer([1, 2, 3], path);
        Assert.StartsWith("Squarer-", p.Name);
        p.Start();
        p.Join();

        Assert.Equal(0, p.ExitCode);
        Assert.Equal($"1,4,9 {p.Name} {p.Pid}", File.ReadAllText(path));
    }

    [Fact]
    public void Join_with_a_timeout_returns_with_the_child_still_alive()
    {
        var p = new Process(Targets.Sleep, 60.0);
        p.Start();

        p.Join(0);
        Assert.True(p.IsAlive);
        p.Join(TimeSpan.FromMilliseconds(200));
        Assert.True(p.IsAlive);
        Assert.Null(p.ExitCode);
        Assert.Contains(p, Mp.ActiveChildren());

        p.Terminate();
        p.Join();
        Assert.False(p.IsAlive);
        Assert.DoesNotContain(p, Mp.ActiveChildren());
    }

    [Theory]
    [InlineData(false, -SigTerm)]
    [InlineData(true, -SigKill)]
    public void Terminate_and_kill_give_minus_the_signal(bool kill, int expected)
    {
        var p = new Process(Targets.Sleep, 60.0);
        p.Start();
        if (kill)
        {
            p.Kill();
        }
        else
        {
            p.Terminate();
        }

        p.Join();
        Assert.Equal(expected, p.ExitCode);
        p.Terminate(); // After exit: nothing happens, as in Python.
        Assert.Equal(expected, p.ExitCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(137)] // An explicit exit code above 128 is not mistaken for a signal.
    [InlineData(255)]
    public void An_explicit_exit_code_is_the_exit_code(int code)
    {
        var p = new Process(Targets.Exit, code);
        p.Start();
        p.Join();
        Assert.Equal(code, p.ExitCode);
    }

    [Fact]
    public void An_unhandled_exception_exits_with_1_and_prints_its_trace_on_stderr()
    {
        var lines = CaptureOutput(() =>
        {
            var p = new Process(Targets.Throw, "boom 7") { Name = "thrower" };
            p.Start();
            p.Join();
            Assert.Equal(1, p.ExitCode);
        });

        var stderr = lines.Where(l => l.Process == "thrower" && l.IsError).Select(l => l.Text).ToList();
        Assert.Equal("Process thrower:", stderr[0]);
        Assert.Contains(stderr, l => l.Contains("InvalidOperationException: boom 7", StringComparison.Ordinal));
        Assert.Contains(stderr, l => l.Contains("Targets.Throw", StringComparison.Ordinal));
    }

    [Fact]
    public void A_trace_names_a_local_function_as_written_as_a_lessons_top_level_function_is_one()
    {
        static void Boom(string message) => throw new InvalidOperationException(message);
        var lines = CaptureOutput(() =>
        {
            var p = new Process(Boom, "boom 8") { Name = "local" };
            p.Start();
            p.Join();
        });

        var stderr = lines.Where(l => l.Process == "local" && l.IsError).Select(l => l.Text).ToList();
        Assert.Contains(stderr, l => l.Contains("at Helpers.Tests.Multiprocessing.ProcessTests.Boom(String message)", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr, l => l.Contains("g__", StringComparison.Ordinal));
    }

    [Fact]
    public void The_child_output_reaches_the_parent_line_by_line_tagged_with_its_process()
    {
        var lines = CaptureOutput(() =>
        {
            var p = new Process(Targets.Print, "line", 3) { Name = "printer" };
            p.Start();
            p.Join();
        }).Where(l => l.Process == "printer").ToList();

        Assert.Equal(["line 0", "line 1", "line 2"], lines.Where(l => !l.IsError).Select(l => l.Text));
        Assert.Equal(["line on stderr"], lines.Where(l => l.IsError).Select(l => l.Text));
    }

    // The child says its target begins with a tagged line of its own; output written before it
    // without a newline (here, while an argument is rebuilt) stays the child's, the tag never shows.
    [Theory]
    [InlineData("spawn")]
    [InlineData("standby")]
    public void Output_written_before_the_target_without_a_newline_reaches_the_parent_without_the_start_tag(string method)
    {
        using var scope = new StartMethodScope(method);
        var lines = CaptureOutput(() =>
        {
            var p = new Process(Targets.PrintAfter, new Announcing("while rebuilt"), "from the target") { Name = "announcer" };
            p.Start();
            p.Join(60);
        }).Where(l => l.Process == "announcer" && !l.IsError).Select(l => l.Text).ToList();

        Assert.Equal(["while rebuilt", "from the target"], lines);
    }

    [Fact]
    public void A_hundred_children_start_and_terminate()
    {
        var children = Enumerable.Range(0, 100).Select(_ => new Process(Targets.Sleep, 60.0)).ToList();
        children.ForEach(c => c.Start());
        Assert.Equal(100, children.Select(c => c.Pid).Distinct().Count());
        children.ForEach(c => c.Terminate());
        children.ForEach(c => c.Join());

        Assert.All(children, c => Assert.Equal(-SigTerm, c.ExitCode));
        Assert.All(children, c => Assert.DoesNotContain(c, Mp.ActiveChildren()));
    }

    [Fact]
    public void Close_is_refused_while_running_and_afterwards_the_object_is_unusable()
    {
        var p = new Process(Targets.Sleep, 60.0);
        p.Start();
        Assert.Throws<InvalidOperationException>(p.Close);
        p.Kill();
        p.Join();
        p.Close();
        p.Close(); // Closing twice is allowed.

        Assert.Throws<InvalidOperationException>(() => p.Pid);
        Assert.Throws<InvalidOperationException>(() => p.ExitCode);
        Assert.Throws<InvalidOperationException>(() => p.IsAlive);
        Assert.Throws<InvalidOperationException>(p.Start);
        Assert.Throws<InvalidOperationException>(() => p.Join());
        Assert.Throws<InvalidOperationException>(p.Terminate);
        Assert.Equal(p.Name, p.Name); // The name stays readable, as in Python.
    }

    [Fact]
    public void A_process_that_never_started_can_be_closed()
    {
        var p = new Process(Targets.Nothing);
        p.Close();
        Assert.Throws<InvalidOperationException>(p.Start);
    }

    [Fact]
    public void Misuse_is_an_error_that_says_what_to_do()
    {
        var p = new Process(Targets.Nothing);
        Assert.Contains("Start()", Assert.Throws<InvalidOperationException>(() => p.Join()).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(p.Terminate);
        p.Start();
        Assert.Contains("only once", Assert.Throws<InvalidOperationException>(p.Start).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => p.Daemon = true);
        p.Join();
    }

    [Fact]
    public void Targets_that_cannot_run_elsewhere_are_refused_at_once()
    {
        var captured = 3;
        var lambda = Assert.Throws<ArgumentException>(() => new Process(() => Console.WriteLine(captured)));
        Assert.Contains("lambda", lambda.Message, StringComparison.Ordinal);

        var instance = Assert.Throws<ArgumentException>(() => new Process(new object().ToString));
        Assert.Contains("instance method", instance.Message, StringComparison.Ordinal);

        // A local function that reads a local (a lesson's top-level variable) is refused naming it.
        void ReadsCaptured() => Console.WriteLine(captured);
        var closure = Assert.Throws<ArgumentException>(() => new Process(ReadsCaptured));
        Assert.Contains("'ReadsCaptured' reads the variable 'captured'", closure.Message, StringComparison.Ordinal);
        Assert.Contains("add a parameter", closure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_that_cannot_bind_or_cross_fail_in_start_naming_the_argument()
    {
        using var stream = new MemoryStream();
        var unshareable = new Process(Targets.RecordArgs, "x", 1, "b", 1.0, Array.Empty<int>(), new Point(0, 0), stream);
        var e = Assert.Throws<ArgumentException>(unshareable.Start);
        Assert.Contains("'f'", e.Message, StringComparison.Ordinal);
        Assert.Contains("MemoryStream", e.Message, StringComparison.Ordinal);
        Assert.Null(unshareable.Pid); // Nothing was started.

        Assert.Contains("missing", Assert.Throws<ArgumentException>(new Process(Targets.Sleep).Start).Message, StringComparison.Ordinal);
        Assert.Contains("takes 1", Assert.Throws<ArgumentException>(new Process(Targets.Sleep, 1.0, 2.0).Start).Message, StringComparison.Ordinal);
        Assert.Contains("no parameter named 'x'", Assert.Throws<ArgumentException>(
            new Process(Targets.Sleep, 1.0) { Kwargs = { ["x"] = 1 } }.Start).Message, StringComparison.Ordinal);
        Assert.Contains("two values", Assert.Throws<ArgumentException>(
            new Process(Targets.Sleep, 1.0) { Kwargs = { ["seconds"] = 1.0 } }.Start).Message, StringComparison.Ordinal);
        Assert.Contains("String", Assert.Throws<ArgumentException>(new Process(Targets.Sleep, "soon").Start).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_nested_as_deep_as_the_parent_can_send_arrives_whole()
    {
        // 100 links: deeper than System.Text.Json's default depth of 64, within what Reduction allows.
        var path = temp.File("chain");
        var p = new Process(Targets.RecordChain, path, Link.Chain(100));
        p.Start();
        p.Join(60);
        Assert.Equal(0, p.ExitCode);
        Assert.Equal("100 5050", File.ReadAllText(path));
    }

    [Fact]
    public void Run_called_directly_runs_in_the_current_process()
    {
        var path = temp.File("squares");
        new Squarer([5], path).Run();
        Assert.Equal($"25 MainProcess {Environment.ProcessId}", File.ReadAllText(path));
    }

    [Fact]
    public void A_child_whose_parent_is_killed_exits_by_itself()
    {
        var pidFile = temp.File("grandchild");
        var parent = new Process(Targets.SpawnSleeperAndSleep, pidFile);
        parent.Start();
        var grandchild = Wait.ForPidIn(pidFile, "the child never started its own child");
        Assert.True(Wait.PidAlive(grandchild));

        parent.Kill();
        parent.Join();

        Assert.True(Wait.PidGone(grandchild, seconds: 10), $"grandchild {grandchild} outlived its killed parent");
    }

    [Fact]
    public void At_a_normal_exit_daemon_children_are_terminated_and_the_others_waited_for()
    {
        var pidFile = temp.File("daemon");
        var doneFile = temp.File("done");
        var parent = new Process(Targets.SpawnDaemonAndWorker, pidFile, doneFile);
        parent.Start();
        parent.Join();

        Assert.Equal(0, parent.ExitCode);
        Assert.True(File.Exists(doneFile), "the parent exited without waiting for its non-daemon child");
        var daemon = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Wait.PidAlive(daemon), "the daemon child outlived its parent");
    }

    private static List<(string Process, string Text, bool IsError)> CaptureOutput(Action action)
    {
        var lines = new List<(string, string, bool)>();
        lock (OutputHook.Gate)
        {
            var previous = Popen.Output;
            Popen.Output = (p, line, isError) =>
            {
                lock (lines)
                {
                    lines.Add((p.Name, line, isError));
                }
            };
            try
            {
                action();
            }
            finally
            {
                Popen.Output = previous;
            }
        }

        lock (lines)
        {
            return [.. lines];
        }
    }
}

internal static class OutputHook
{
    public static readonly System.Threading.Lock Gate = new();
}

