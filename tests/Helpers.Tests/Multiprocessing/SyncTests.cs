using System.Diagnostics;
using Helpers.Multiprocessing;
using Xunit;
using MP = Helpers.Multiprocessing;
using Process = Helpers.Multiprocessing.Process;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Condition, Event, Barrier, JoinableQueue and Pipe across processes, as CPython's tests expect them.</summary>
public sealed class SyncTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Notify_wakes_exactly_one_waiter_and_notify_all_the_rest()
    {
        using var c = new Condition();
        using var waiting = new Value<int>(0);
        using var woken = new Value<int>(0);
        var waiters = Enumerable.Range(0, 3).Select(_ => new Process(SyncTargets.WaitOnCondition, c, waiting, woken)).ToList();
        waiters.ForEach(w => w.Start());
        Assert.True(Wait.Until(() => waiting.Get() == 3), "the waiters never waited");

        // A waiter counts itself before Wait releases the lock: holding the lock, all three are asleep.
        using (c.EnterScope())
        {
            c.Notify();
        }

        // The woken child finishes and exits; the other two stay asleep.
        Assert.True(Wait.Until(() => waiters.Count(w => !w.IsAlive) == 1));
        Assert.Equal(1, woken.Get());
        Assert.Equal(2, waiters.Count(w => w.IsAlive));
        using (c.EnterScope())
        {
            c.NotifyAll();
        }

        waiters.ForEach(w => w.Join(60));
        Assert.Equal(3, woken.Get());
    }

    [Fact]
    public void Wait_and_notify_need_the_lock_and_wait_for_times_out_with_the_predicate_false()
    {
        using var c = new Condition(new MP.Lock());
        Assert.Throws<SynchronizationLockException>(() => c.Wait(0.01));
        Assert.Throws<SynchronizationLockException>(() => c.Notify());
        using (c.EnterScope())
        {
            var clock = Stopwatch.StartNew();
            Assert.False(c.WaitFor(() => false, 0.2));
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.19));
            Assert.True(c.WaitFor(() => true, 0));
        }
    }

    [Fact]
    public void An_event_set_in_the_parent_releases_a_waiting_child()
    {
        using var e = new MP.Event();
        Assert.False(e.IsSet());
        Assert.False(e.Wait(0.05));
        var child = new Process(SyncTargets.WaitForEvent, e);
        child.Start();
        e.Set();
        child.Join(60);
        Assert.Equal(0, child.ExitCode);
        Assert.True(e.IsSet());
        e.Clear();
        Assert.False(e.IsSet());
    }

    [Fact]
    public void A_barrier_lets_parties_through_together_round_after_round()
    {
        const int Parties = 3, Rounds = 4;
        using var b = new MP.Barrier(Parties);
        using var indexes = new Array<int>(Parties * Rounds);
        var parties = Enumerable.Range(0, Parties).Select(p => new Process(SyncTargets.MeetAtBarrier, b, indexes, p, Rounds)).ToList();
        parties.ForEach(p => p.Start());
        parties.ForEach(p => p.Join(120));
        Assert.All(parties, p => Assert.Equal(0, p.ExitCode));
        for (var round = 0; round < Rounds; round++)
        {
            Assert.Equal([0, 1, 2], Enumerable.Range(0, Parties).Select(p => indexes[(p * Rounds) + round]).Order());
        }
    }

    [Fact]
    public void A_barrier_wait_that_times_out_breaks_it_until_reset()
    {
        using var b = new MP.Barrier(2);
        Assert.Throws<BrokenBarrierException>(() => b.Wait(0.1));
        Assert.True(b.IsBroken);
        Assert.Throws<BrokenBarrierException>(() => b.Wait(0.1));
        b.Reset();
        Assert.False(b.IsBroken);
        b.Abort();
        Assert.Throws<BrokenBarrierException>(() => b.Wait());
    }

    [Fact]
    public void Join_returns_when_every_item_is_done()
    {
        using var q = new JoinableQueue<int>();
        Assert.Throws<InvalidOperationException>(q.TaskDone);
        foreach (var i in Enumerable.Range(0, 20))
        {
            q.Put(i);
        }

        Assert.False(q.Join(0.05));
        var worker = new Process(SyncTargets.Work, q, 20);
        worker.Start();
        Assert.True(q.Join(60));
        Assert.Equal(0, q.Unfinished);
        worker.Join(30);
    }

    [Fact]
    public void A_pipe_carries_objects_both_ways_and_polls()
    {
        var (parent, child) = Pipe.Create();
        using (parent)
        using (child)
        {
            var doubler = new Process(SyncTargets.Doubler, child);
            doubler.Start();
            child.Close();
            Assert.False(parent.Poll());
            foreach (var n in new long[] { 1, 21, 1 << 40 })
            {
                parent.Send(n);
                Assert.True(parent.Poll(60));
                Assert.Equal(n * 2, parent.Recv<long>());
            }

            parent.Send(null);
            doubler.Join(30);
            Assert.Equal(0, doubler.ExitCode);
        }
    }

    [Fact]
    public void Recv_after_the_other_end_has_exited_reads_what_is_left_then_raises_end_of_stream()
    {
        var (reader, writer) = Pipe.Create(duplex: false);
        using (reader)
        using (writer)
        {
            var sender = new Process(SyncTargets.SendAndExit, writer);
            sender.Start();
            writer.Close(); // Python's idiom: the parent closes its copy of the child's end.
            sender.Join(60);

            Assert.Equal("first", reader.Recv());
            Assert.Equal(16 << 20, reader.RecvBytes().Length);
            Assert.Equal("last", reader.Recv());
            Assert.Throws<EndOfStreamException>(() => reader.Recv());
        }
    }

    [Fact]
    public void A_one_way_pipe_refuses_the_wrong_direction_and_a_closed_end()
    {
        var (reader, writer) = Pipe.Create(duplex: false);
        using (reader)
        using (writer)
        {
            Assert.Throws<InvalidOperationException>(() => reader.Send(1));
            Assert.Throws<InvalidOperationException>(() => writer.Recv());
            writer.SendBytes([1, 2, 3]);
            Assert.Throws<InvalidOperationException>(() => reader.Recv());
            writer.Close();
            Assert.Throws<InvalidOperationException>(() => writer.Send(1));
        }
    }

    [Fact]
    public void A_barrier_action_runs_once_per_round_in_one_of_the_processes()
    {
        using var dir = new TempDir();
        var rounds = dir.File("rounds.txt");
        Environment.SetEnvironmentVariable("HELPERS_TEST_ROUNDS", rounds); // children inherit it
        using var b = new MP.Barrier(3, SyncTargets.MarkRound);
        var parties = Enumerable.Range(0, 2).Select(_ => new Process(SyncTargets.MeetOnce, b)).ToList();
        try
        {
            parties.ForEach(p => p.Start());
            b.Wait(60);
            parties.ForEach(p => p.Join(60));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HELPERS_TEST_ROUNDS", null);
        }

        Assert.All(parties, p => Assert.Equal(0, p.ExitCode));
        Assert.Single(File.ReadAllLines(rounds));
    }

    [Fact]
    public void Values_of_every_basic_type_written_by_a_child_are_read_by_the_parent()
    {
        using var flag = new Value<bool>();
        using var small = new Value<short>();
        using var real = new Value<double>();
        using var big = new Value<long>();
        var child = new Process(SyncTargets.WriteValues, flag, small, real, big);
        child.Start();
        child.Join(60);
        Assert.Equal(0, child.ExitCode);
        Assert.True(flag.Get());
        Assert.Equal(-12345, small.Get());
        Assert.Equal(Math.PI, real.Get());
        Assert.Equal(long.MaxValue, big.Get());
    }

    [Fact]
    public void Send_to_a_full_pipe_nobody_reads_raises_instead_of_waiting_forever()
    {
        var (reader, writer) = Pipe.Create(duplex: false);
        using (reader)
        using (writer)
        {
            var child = new Process(SyncTargets.IgnoreEnd, reader);
            child.Start();
            reader.Close(); // The parent's copy; the child's exits with it.
            child.Join(60);
            Assert.Equal(0, child.ExitCode);

            var error = Assert.Throws<IOException>(() =>
            {
                for (var i = 0; i < 16; i++)
                {
                    writer.SendBytes(new byte[1 << 20]);
                }
            });
            Assert.Contains("Broken pipe", error.Message, StringComparison.Ordinal);
        }
    }
}
