using Helpers.Multiprocessing;
using Xunit;
using MP = Helpers.Multiprocessing;
using Process = Helpers.Multiprocessing.Process;
using PyThreading = Helpers.Threading;

namespace Helpers.Tests.Multiprocessing;

/// <summary>
/// Python's rules where the issue list found the helpers apart from them: timeouts (null forever,
/// negative is 0, NaN refused), functions that return nothing in a pool, waiting on many at once,
/// .NET's exception types, and a pool task that can never vanish.
/// </summary>
[Collection(nameof(Helpers.Tests.Threading.ThreadTests))] // It creates helpers' threads, which ThreadTests numbers.
public sealed class PythonRulesTests : IClassFixture<LeakCheck>
{
    public static TheoryData<double> Refused => [double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [Fact]
    public void A_negative_timeout_only_polls_everywhere()
    {
        using var held = new MP.Lock();
        held.Acquire();
        Assert.False(held.Acquire(timeout: -1));
        using var r = new RLock();
        using var s = new MP.Semaphore(0);
        Assert.False(s.Acquire(timeout: -0.001));
        using var q = new MP.Queue<int>();
        Assert.Throws<EmptyException>(() => q.Get(timeout: -5));
        using var full = new MP.Queue<int>(maxsize: 1);
        full.Put(1);
        Assert.Throws<FullException>(() => full.Put(2, timeout: -1));
        using var e = new MP.Event();
        Assert.False(e.Wait(-1));
        using var c = new Condition();
        using (c.EnterScope())
        {
            Assert.False(c.Wait(-1));
            Assert.False(c.WaitFor(() => false, -1));
        }

        using var jq = new JoinableQueue<int>();
        jq.Put(1);
        Assert.False(jq.Join(-1));
        var (a, b) = Pipe.Create();
        using (a)
        using (b)
        {
            Assert.False(a.Poll(-1));
        }

        var sleeper = new Process(Targets.Sleep, 60.0);
        sleeper.Start();
        try
        {
            sleeper.Join(-1);
            Assert.True(sleeper.IsAlive);
            sleeper.Join(-0.001);
            Assert.True(sleeper.IsAlive);
        }
        finally
        {
            sleeper.Kill();
            sleeper.Join(60);
        }

        using var pool = new Pool(1);
        var slow = pool.ApplyAsync(PoolTargets.Sleep, 60.0);
        Assert.False(slow.Wait(-1));
        Assert.Throws<TimeoutException>(() => slow.Get(-1));
        pool.Terminate();
    }

    [Fact]
    public void A_threading_lock_follows_threadings_own_rules_where_they_differ()
    {
        var cond = new PyThreading.Condition();
        Assert.True(cond.Acquire(timeout: -1)); // threading: -1 waits as long as it takes
        cond.Release();
        Assert.Throws<ArgumentOutOfRangeException>(() => cond.Acquire(timeout: -2));
        Assert.Throws<ArgumentException>(() => cond.Acquire(block: false, timeout: 1));
        var other = new Thread(() => cond.Acquire());
        other.Start();
        other.Join();
        Assert.False(cond.Acquire(timeout: 0)); // held by the other thread, which ended without releasing
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_timeout_that_is_not_a_number_of_seconds_is_refused_with_what_is_allowed(double timeout)
    {
        using var l = new MP.Lock();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => l.Acquire(timeout: timeout));
        Assert.Contains("null to wait", error.Message, StringComparison.Ordinal);
        Assert.False(l.IsLocked);
        using var q = new MP.Queue<int>();
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Get(timeout: timeout));
        using var e = new MP.Event();
        Assert.Throws<ArgumentOutOfRangeException>(() => e.Wait(timeout));
        var p = new Process(Targets.Nothing);
        p.Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Join(timeout));
        p.Join();
        var t = new PyThreading.Thread(() => { });
        t.Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Join(timeout));
        t.Join();
        Assert.Throws<ArgumentOutOfRangeException>(() => Connection.Wait([p], timeout));
    }

    [Fact]
    public void A_pool_runs_functions_that_return_nothing_as_the_note_writes_them()
    {
        using var dir = new TempDir();
        using var pool = new Pool(2);
        object? seen = "not called";
        var done = pool.ApplyAsync(PoolTargets.Fun1, callback: v => seen = v);
        Assert.Null(done.Get(60));
        Assert.Null(seen);
        pool.Apply(PoolTargets.Touch, dir.File("touched"));
        Assert.True(File.Exists(dir.File("touched")));
        var failed = pool.ApplyAsync(PoolTargets.FailQuietly, "no result, an error");
        Assert.Equal("no result, an error", Assert.Throws<InvalidOperationException>(() => failed.Get(60)).Message);
        Assert.False(failed.Successful());
    }

    [Fact]
    public void A_sentinel_is_one_handle_so_ready_sentinels_map_back_to_their_processes()
    {
        using var never = new MP.Event();
        var quick = new Process(Targets.Nothing);
        var blocked = new Process(SyncTargets.WaitForEvent, never);
        Assert.Throws<InvalidOperationException>(() => { _ = quick.Sentinel; });   // Python: ValueError before start()
        blocked.Start();
        quick.Start();
        try
        {
            Assert.Same(quick.Sentinel, quick.Sentinel);
            var bySentinel = new[] { quick, blocked }.ToDictionary(p => (object)p.Sentinel);   // Python: {p.sentinel: p for p in procs}

            var ready = Connection.Wait(bySentinel.Keys, timeout: 60);

            Assert.Equal([quick], ready.Select(s => bySentinel[s]));
        }
        finally
        {
            blocked.Kill();
            blocked.Join(60);
            quick.Join(60);
        }
    }

    [Fact]
    public void Wait_returns_the_processes_that_ended_and_the_connections_with_data()
    {
        using var never = new MP.Event();
        var quick = new Process(Targets.Nothing);
        var blocked = new Process(SyncTargets.WaitForEvent, never);
        blocked.Start();
        quick.Start();
        try
        {
            Assert.Equal([quick], Connection.Wait([blocked, quick], timeout: 60));
            Assert.Empty(Connection.Wait([blocked], timeout: 0.2));
            Assert.Empty(Connection.Wait([blocked.Sentinel], timeout: 0));

            var (mine, theirs) = Pipe.Create();
            using (mine)
            using (theirs)
            {
                Assert.Empty(Connection.Wait([mine, blocked], timeout: 0));
                var sender = new Process(SyncTargets.SendAndExit, theirs);
                sender.Start();
                Assert.Contains(mine, Connection.Wait([mine, blocked], timeout: 60));
                sender.Join(60);
            }

            never.Set();
            Assert.Equal([blocked], Connection.Wait([blocked], timeout: 60));
        }
        finally
        {
            blocked.Kill();
            blocked.Join(60);
        }

        Assert.Throws<ArgumentException>(() => Connection.Wait([new Process(Targets.Nothing)]));
        Assert.Throws<ArgumentException>(() => Connection.Wait(["a string"]));
    }

    [Fact]
    public void Misuse_raises_dotnets_own_exception_types_with_what_to_do()
    {
        using var l = new MP.Lock();
        Assert.Contains("Acquire()", Assert.Throws<SynchronizationLockException>(l.Release).Message, StringComparison.Ordinal);
        using var r = new RLock();
        Assert.Throws<SynchronizationLockException>(r.Release);
        using var c = new Condition();
        Assert.Contains("EnterScope", Assert.Throws<SynchronizationLockException>(() => c.Notify()).Message, StringComparison.Ordinal);
        Assert.Throws<SynchronizationLockException>(() => new PyThreading.Condition().Wait(0));

        var q = new MP.Queue<int>();
        q.Dispose();
        Assert.Throws<ObjectDisposedException>(() => q.Put(1));
        var closed = new MP.Queue<int>();
        closed.Close();
        Assert.Throws<InvalidOperationException>(() => closed.Put(1));
        closed.Dispose();
        var (a, b) = Pipe.Create();
        b.Dispose();
        Assert.Throws<ObjectDisposedException>(() => b.Send(1));
        a.Dispose();
        var v = new Value<int>(1);
        v.Dispose();
        Assert.Throws<ObjectDisposedException>(() => v.Get());
    }

    [Fact]
    public void With_lock_is_reachable_through_the_alias_alone()
    {
        // Written as the notebooks write it: mp.X only, no `using Helpers.Multiprocessing;` needed for EnterScope.
        using var l = new MP.Lock();
        using var r = new MP.RLock();
        using var s = new MP.Semaphore(1);
        using var bs = new MP.BoundedSemaphore(1);
        using var c = new MP.Condition();
        using (l.EnterScope())
        using (r.EnterScope())
        using (s.EnterScope())
        using (bs.EnterScope())
        using (c.EnterScope())
        {
            Assert.True(l.IsLocked);
            Assert.Equal(0, s.GetValue());
        }

        Assert.False(l.IsLocked);
        Assert.Equal(1, bs.GetValue());
    }

    [Fact]
    public void A_reader_that_dies_before_marking_a_task_read_leaves_it_to_the_next_reader()
    {
        // What a pool worker killed in the middle of taking a task does to the queue: the claim ran
        // (the worker's slot names the task, so the parent fails it), but the message was not marked
        // read, so it is still there; nothing vanishes whichever instant the worker dies.
        using var tasks = new MP.Queue<byte[]>();
        tasks.Put([1, 2, 3]);
        tasks.Put([4]);
        Assert.Throws<OperationCanceledException>(() => tasks.TryGet(out _, block: true, timeout: 5, claim: _ => throw new OperationCanceledException("died")));
        Assert.Equal(2, tasks.Qsize());
        Assert.True(tasks.UnderReadLock(b => b is not null && b.SequenceEqual(new byte[] { 1, 2, 3 }))); // what the pool checks before failing a task as lost
        byte[]? claimed = null;
        Assert.True(tasks.TryGet(out var first, block: true, timeout: 5, claim: b => claimed = b));
        Assert.Equal([1, 2, 3], first);
        Assert.Same(first, claimed);
        // The next claimed read finds the message by the count in shared memory.
        Assert.True(tasks.TryGet(out var second, block: true, timeout: 5, claim: _ => { }));
        Assert.Equal([4], second);
        Assert.False(tasks.TryGet(out _, block: true, timeout: 0.3, claim: _ => { }));
    }
}
