using Helpers.Multiprocessing;
using Lock = Helpers.Multiprocessing.Lock;
using Semaphore = Helpers.Multiprocessing.Semaphore;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Locks and shared memory across processes, with the expectations of CPython's tests.</summary>
public sealed class LockTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_lock_is_not_reentrant_and_cannot_be_released_twice()
    {
        using var l = new Lock();
        Assert.True(l.Acquire());
        Assert.False(l.Acquire(block: false));
        Assert.False(l.Acquire(timeout: 0.05));
        l.Release();
        Assert.Throws<SynchronizationLockException>(l.Release);
    }

    [Fact]
    public void An_rlock_is_reentrant_and_only_its_holder_may_release_it()
    {
        using var r = new RLock();
        Assert.True(r.Acquire());
        Assert.True(r.Acquire());
        Assert.Equal(2, r.Depth);
        Exception? fromOtherThread = null;
        var other = new Thread(() => fromOtherThread = Record.Exception(r.Release));
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(10)));
        Assert.IsType<SynchronizationLockException>(fromOtherThread);
        r.Release();
        r.Release();
        Assert.Throws<SynchronizationLockException>(r.Release);
    }

    [Fact]
    public void Semaphores_count_and_a_bounded_one_refuses_an_extra_release()
    {
        using var s = new Semaphore(0);
        Assert.False(s.Acquire(timeout: 0.05));
        s.Release();
        s.Release();
        Assert.Equal(2, s.GetValue());
        using var b = new BoundedSemaphore(1);
        Assert.Throws<SynchronizationLockException>(b.Release);
        Assert.True(b.Acquire());
        b.Release();
    }

    [Fact]
    public void A_lock_held_by_the_parent_is_seen_held_by_a_child()
    {
        using var l = new Lock();
        using var outcome = new Array<int>(2);
        outcome[0] = outcome[1] = -1;
        l.Acquire();
        var child = new Process(SharedStateTargets.TryLock, l, outcome);
        child.Start();
        child.Join(30);
        Assert.Equal(0, child.ExitCode);
        Assert.Equal([0, 0], outcome.ToArray());
        l.Release();
    }

    [Fact]
    public void Updates_under_the_lock_from_two_processes_are_never_lost()
    {
        using var counter = new Value<int>(0);
        using var l = new Lock();
        var children = Enumerable.Range(0, 2).Select(_ => new Process(SharedStateTargets.AddLocked, counter, l, 20_000)).ToList();
        children.ForEach(c => c.Start());
        children.ForEach(c => c.Join(60));
        Assert.All(children, c => Assert.Equal(0, c.ExitCode));
        Assert.Equal(40_000, counter.Get());
    }

    [Fact]
    public void An_array_written_by_a_child_is_read_by_the_parent()
    {
        using var numbers = new Array<long>(1000);
        Assert.All(numbers, n => Assert.Equal(0, n));
        var child = new Process(SharedStateTargets.Squares, numbers);
        child.Start();
        child.Join(30);
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(999L * 999, numbers[^1]);
        Assert.Equal([4L, 9L], numbers[2..4]);
        numbers[0..2] = [7, 8];
        Assert.Equal(8, numbers[1]);
        Assert.Throws<ArgumentException>(() => numbers[0..2] = [1]);
    }

    [Fact]
    public void A_waiter_learns_that_the_holder_died_instead_of_waiting_forever()
    {
        using var l = new Lock();
        using var holding = new Value<bool>(false);
        var holder = new Process(SharedStateTargets.HoldForever, l, holding);
        holder.Start();
        Assert.True(Wait.Until(holding.Get), "the child never took the lock");
        holder.Kill();
        holder.Join(30);

        var error = Assert.Throws<AbandonedLockException>(() => l.Acquire(timeout: 30));
        Assert.Equal(holder.Pid, error.HolderPid);
        Assert.True(l.Acquire(timeout: 5));
        l.Release();
    }

    [LinuxFact]
    public void Disposing_removes_the_os_objects()
    {
        var l = new Lock();
        var handle = ((IShareable<Lock, SemLock.Handle>)l).ToHandle();
        string[] files = ["/dev/shm/sem." + handle.Semaphore, "/dev/shm/" + handle.Memory];
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        l.Dispose();
        Assert.All(files, f => Assert.False(File.Exists(f), f));
    }

    [LinuxFact]
    public void The_os_objects_of_a_killed_process_are_removed_by_its_tracker()
    {
        using var dir = new TempDir();
        var names = dir.File("names.txt");
        var child = new Process(SharedStateTargets.CreateAndHang, names);
        child.Start();
        Assert.True(Wait.Until(() => File.Exists(names)), "the child never created its objects");
        var files = File.ReadAllLines(names);
        Assert.All(files, f => Assert.True(File.Exists(f), f));

        child.Kill();
        child.Join(30);

        Assert.True(Wait.Until(() => !files.Any(File.Exists), 10), "left behind: " + string.Join(", ", files.Where(File.Exists)));
    }
}
