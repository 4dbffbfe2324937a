using System.Text.Json.Nodes;
using Helpers.Multiprocessing;
using Helpers.Tracing;
using Xunit;
using MP = Helpers.Multiprocessing;

namespace Helpers.Tests.Tracing;

/// <summary>Child targets for the timeline tests.</summary>
public static class TimelineTargets
{
    /// <summary>Waits for <paramref name="go"/>, marks a span, then sets <paramref name="done"/>.</summary>
    public static void MarkAfter(MP.Event go, MP.Event done)
    {
        if (!go.Wait(60))
        {
            Environment.Exit(3);
        }

        using (Timeline.Mark("child, after the parent's signal"))
        {
        }

        done.Set();
    }

    /// <summary>Takes the lock, says so, and holds it until killed.</summary>
    public static void HoldUntilKilled(MP.Lock l, MP.Event holding)
    {
        l.Acquire();
        holding.Set();
        System.Threading.Thread.Sleep(TimeSpan.FromMinutes(2));
    }

    /// <summary>Ends its process with exit code 3 from inside the target.</summary>
    public static void ExitWithThree() => Environment.Exit(3);

    /// <summary>Puts <paramref name="count"/> numbers on the queue.</summary>
    public static void Put(MP.Queue<int> q, int count)
    {
        for (var i = 0; i < count; i++)
        {
            q.Put(i);
        }
    }

    /// <summary>Takes the lock <paramref name="times"/> times.</summary>
    public static void TakeTurns(MP.Lock l, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using (l.EnterScope())
            {
                System.Threading.Thread.SpinWait(2000);
            }
        }
    }

    /// <summary>A pool task: spins a little and squares.</summary>
    public static int Square(int x)
    {
        System.Threading.Thread.SpinWait(20_000);
        return x * x;
    }
}

/// <summary>
/// The timeline records from several processes on one clock, keeps what a killed child recorded,
/// counts what did not fit, and writes a file in the Chrome Trace Event format.
/// </summary>
public sealed class TimelineTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Spans_of_one_thread_come_back_in_the_order_they_happened_and_do_not_overlap()
    {
        using var timeline = Timeline.Start();
        for (var i = 0; i < 5; i++)
        {
            using (Timeline.Mark($"step {i}"))
            {
                System.Threading.Thread.SpinWait(1000);
            }
        }

        timeline.Stop();

        var marks = timeline.Spans.Where(s => s.Kind == TimelineKind.Mark).ToList();
        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"step {i}")], marks.Select(s => s.What));
        Assert.All(marks.Zip(marks.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start, $"{pair.First.What} ends at {pair.First.End} ms, after {pair.Second.What} begins at {pair.Second.Start} ms"));
        Assert.All(marks, m => Assert.True(m.Start >= 0 && m.End <= timeline.Milliseconds));
    }

    [Fact]
    public void A_childs_events_and_its_parents_share_one_clock()
    {
        using var go = new MP.Event();
        using var done = new MP.Event();
        using var timeline = Timeline.Start();
        var child = new Process(TimelineTargets.MarkAfter, go, done);
        child.Start();
        using (Timeline.Mark("parent, before the signal"))
        {
        }

        go.Set();
        Assert.True(done.Wait(60), "the child did not answer");
        using (Timeline.Mark("parent, after the child's answer"))
        {
        }

        child.Join(60);
        timeline.Stop();

        var before = Single(timeline, "parent, before the signal");
        var inChild = Single(timeline, "child, after the parent's signal");
        var after = Single(timeline, "parent, after the child's answer");
        Assert.Equal(child.Pid, inChild.Lane.Pid);
        Assert.True(before.End <= inChild.Start, $"the child's span begins at {inChild.Start} ms, before the parent's signal at {before.End} ms");
        Assert.True(inChild.End <= after.Start, $"the parent's span begins at {after.Start} ms, before the child's ended at {inChild.End} ms");

        // The child's start, step by step, on its own row, in order.
        var phases = timeline.Spans.Where(s => s.Kind == TimelineKind.Process && s.Lane.Pid == child.Pid).ToList();
        Assert.Contains(phases, p => p.What == "running the target" && !p.Wait && !p.Cut);
        Assert.All(phases.Zip(phases.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start + 1e-9));
        Assert.Contains(timeline.Instants, i => i.Lane.Pid == child.Pid && i.What == "ended (exit code 0)");
        Assert.Equal(child.Name, inChild.Lane.Name);
    }

    [Fact]
    public void A_killed_child_keeps_what_it_recorded_and_its_hold_is_cut_at_its_death()
    {
        using var l = new MP.Lock();
        using var holding = new MP.Event();
        using var timeline = Timeline.Start();
        var child = new Process(TimelineTargets.HoldUntilKilled, l, holding);
        child.Start();
        Assert.True(holding.Wait(60), "the child did not take the lock");
        child.Kill();
        child.Join(60); // Returns once the child's output has ended: its end is recorded then.
        timeline.Stop();

        var held = Assert.Single(timeline.Spans, s => s.Kind == TimelineKind.Lock);
        Assert.True(held.Cut, "the lock's hold should be cut at the child's death");
        Assert.EndsWith("held", held.What, StringComparison.Ordinal);
        Assert.Contains(timeline.Spans, s => s.Lane.Pid == child.Pid && s.What == "running the target" && s.Cut);
        Assert.Contains(timeline.Instants, i => i.Lane.Pid == child.Pid && i.What == "ended before its target returned");
    }

    [Fact]
    public void A_target_that_calls_Environment_Exit_ends_its_run_without_being_cut()
    {
        using var timeline = Timeline.Start();
        var child = new Process(TimelineTargets.ExitWithThree);
        child.Start();
        child.Join(60);
        timeline.Stop();

        Assert.Equal(3, child.ExitCode);
        var run = Assert.Single(timeline.Spans, s => s.Lane.Pid == child.Pid && s.What == "running the target");
        Assert.False(run.Cut);
        Assert.Contains(timeline.Instants, i => i.Lane.Pid == child.Pid && i.What == "ended (exit code 3)");
    }

    [Fact]
    public void A_lock_released_by_another_thread_ends_the_hold_on_its_holders_row()
    {
        using var l = new MP.Lock();
        using var timeline = Timeline.Start();
        var holder = new System.Threading.Thread(() => l.Acquire());
        holder.Start();
        holder.Join();
        l.Release(); // Allowed for a Lock: anyone may release it.
        timeline.Stop();

        var hold = Assert.Single(timeline.Spans, s => s.Kind == TimelineKind.Lock);
        Assert.Equal(holder.ManagedThreadId, hold.Lane.Thread);
        Assert.False(hold.Cut);
        Assert.True(hold.End < timeline.Milliseconds);
    }

    [Fact]
    public void A_mark_that_ends_on_another_thread_still_ends_on_its_row()
    {
        using var timeline = Timeline.Start();
        var thread = Environment.CurrentManagedThreadId;
        var scope = Timeline.Mark("across threads"); // as after an await that resumes elsewhere
        var other = new System.Threading.Thread(() => scope.Dispose());
        other.Start();
        other.Join();
        timeline.Stop();

        var mark = Assert.Single(timeline.Spans, s => s.What == "across threads");
        Assert.Equal(thread, mark.Lane.Thread);
        Assert.Null(mark.Detail);
    }

    [Fact]
    public void Two_processes_taking_turns_with_a_lock_never_hold_it_at_once_on_the_timeline()
    {
        using var l = new MP.Lock();
        using var timeline = Timeline.Start();
        var children = Enumerable.Range(0, 2).Select(_ => new Process(TimelineTargets.TakeTurns, l, 30)).ToList();
        children.ForEach(c => c.Start());
        children.ForEach(c => c.Join(60));
        timeline.Stop();

        var holds = timeline.Spans.Where(s => s.Kind == TimelineKind.Lock && !s.Wait).ToList();
        Assert.Equal(60, holds.Count);
        Assert.Equal(2, holds.Select(h => h.Lane.Pid).Distinct().Count());
        Assert.Equal(0, timeline.AtOnce(s => s.Kind == TimelineKind.Lock && !s.Wait));
        Assert.All(timeline.Spans.Where(s => s.Kind == TimelineKind.Lock && s.Wait), w => Assert.StartsWith("waiting for Lock", w.What, StringComparison.Ordinal));
    }

    [Fact]
    public void Queue_puts_in_a_child_and_gets_in_the_parent_are_moments_on_their_rows()
    {
        using var q = new MP.Queue<int>();
        using var timeline = Timeline.Start();
        var child = new Process(TimelineTargets.Put, q, 3);
        child.Start();
        for (var i = 0; i < 3; i++)
        {
            _ = q.Get(timeout: 60);
        }

        child.Join(60);
        timeline.Stop();

        var puts = timeline.Instants.Where(i => i.Kind == TimelineKind.Queue && i.What.StartsWith("put", StringComparison.Ordinal)).ToList();
        var gets = timeline.Instants.Where(i => i.Kind == TimelineKind.Queue && i.What.StartsWith("get", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, puts.Count);
        Assert.Equal(3, gets.Count);
        Assert.All(puts, p => Assert.Equal(child.Pid, p.Lane.Pid));
        Assert.All(gets, g => Assert.Equal(Environment.ProcessId, g.Lane.Pid));

        // Each item is taken after it was put: the i-th get after the i-th put.
        Assert.All(puts.Zip(gets), pair => Assert.True(pair.First.At <= pair.Second.At));
    }

    [Fact]
    public void A_pools_tasks_are_drawn_on_their_workers_with_their_cpu_time()
    {
        using var timeline = Timeline.Start();
        using (var pool = new Pool(2))
        {
            Assert.Equal(Enumerable.Range(0, 8).Select(x => x * x), pool.Map(TimelineTargets.Square, Enumerable.Range(0, 8), chunksize: 1));
        }

        timeline.Stop();

        var tasks = timeline.Spans.Where(s => s.Kind == TimelineKind.Task).ToList();
        Assert.Equal(8, tasks.Count);
        Assert.All(tasks, t =>
        {
            Assert.Contains("Square", t.What, StringComparison.Ordinal);
            Assert.NotEqual(Environment.ProcessId, t.Lane.Pid);
            Assert.NotNull(t.CpuMilliseconds);
            Assert.Contains("submitted", t.Detail, StringComparison.Ordinal);
        });
        Assert.All(tasks.GroupBy(t => t.Lane).SelectMany(g => g.Zip(g.Skip(1))), pair => Assert.True(pair.First.End <= pair.Second.Start, "one worker ran two tasks at once"));
    }

    [Fact]
    public void A_thread_is_a_row_of_its_own_named_as_the_thread()
    {
        using var timeline = Timeline.Start();
        var thread = new Helpers.Threading.Thread(() => System.Threading.Thread.SpinWait(1000)) { Name = "worker-A" };
        thread.Start();
        thread.Join(60);
        timeline.Stop();

        var run = Assert.Single(timeline.Spans, s => s.Kind == TimelineKind.Thread);
        Assert.Equal("worker-A", run.What);
        Assert.EndsWith("worker-A", run.Lane.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_timeline_counts_what_it_refused_and_keeps_what_fit()
    {
        using var timeline = Timeline.Start(capacity: 16);
        for (var i = 0; i < 50; i++)
        {
            using (Timeline.Mark("m"))
            {
            }
        }

        timeline.Stop();

        Assert.Equal(100 + 1 - 16, timeline.Dropped); // 50 begins and 50 ends, and the process's name.
        Assert.True(timeline.Spans.Count <= 8);
        Assert.Contains("dropped", timeline.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_timeline_cannot_start_while_one_records_and_a_running_one_cannot_be_read()
    {
        using var timeline = Timeline.Start();
        Assert.True(Timeline.IsRecording);
        var again = Assert.Throws<InvalidOperationException>(() => Timeline.Start());
        Assert.Contains("Stop()", again.Message, StringComparison.Ordinal);
        var early = Assert.Throws<InvalidOperationException>(() => timeline.Spans);
        Assert.Contains("Stop()", early.Message, StringComparison.Ordinal);
        timeline.Stop();
        Assert.False(Timeline.IsRecording);
        timeline.Stop();
        Assert.Empty(timeline.Spans);
    }

    [Fact]
    public void The_export_is_a_chrome_trace_with_the_documented_fields()
    {
        using var l = new MP.Lock();
        using var timeline = Timeline.Start();
        var child = new Process(TimelineTargets.TakeTurns, l, 2);
        child.Start();
        child.Join(60);
        using (Timeline.Mark("parent's own span"))
        {
        }

        timeline.Stop();
        using var dir = new TempDir();
        var path = timeline.Save(Path.Combine(dir.Path, "run.json"));

        var trace = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var events = trace["traceEvents"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal("ms", trace["displayTimeUnit"]!.GetValue<string>());
        var complete = events.Where(e => e["ph"]!.GetValue<string>() == "X").ToList();
        Assert.Equal(timeline.Spans.Count, complete.Count);
        Assert.All(complete, e =>
        {
            foreach (var field in new[] { "name", "cat", "ph", "ts", "dur", "pid", "tid" })
            {
                Assert.True(e.ContainsKey(field), $"an X event lacks '{field}': {e.ToJsonString()}");
            }

            Assert.True(e["ts"]!.GetValue<double>() >= 0 && e["dur"]!.GetValue<double>() >= 0);
        });
        var names = events.Where(e => e["ph"]!.GetValue<string>() == "M" && e["name"]!.GetValue<string>() == "process_name").ToList();
        Assert.Contains(names, e => e["pid"]!.GetValue<int>() == child.Pid && e["args"]!["name"]!.GetValue<string>() == child.Name);
        Assert.Contains(names, e => e["pid"]!.GetValue<int>() == Environment.ProcessId && e["args"]!["name"]!.GetValue<string>() == "MainProcess");

        // Microseconds: the parent's span in the file is the timeline's span times 1000.
        var mark = timeline.Spans.Single(s => s.What == "parent's own span");
        var written = complete.Single(e => e["name"]!.GetValue<string>() == "parent's own span");
        Assert.Equal(mark.Start * 1000, written["ts"]!.GetValue<double>(), 0.002);
    }

    private static TimelineSpan Single(Timeline timeline, string what) => Assert.Single(timeline.Spans, s => s.What == what);
}
