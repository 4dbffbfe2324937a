using Xunit;
using PyThreading = Helpers.Threading;

namespace Helpers.Tests.Threading;

/// <summary>The Python-shaped thread and condition, with the expectations of CPython's test_threading.</summary>
[Collection(nameof(ThreadTests))] // The helpers' threads are numbered process-wide: no other test creates one meanwhile.
public sealed class ThreadTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_target_runs_with_its_arguments_and_join_waits_for_it()
    {
        var seen = new List<string>();
        var t = new PyThreading.Thread((string who, int times) =>
        {
            for (var i = 0; i < times; i++)
            {
                lock (seen)
                {
                    seen.Add(who);
                }
            }
        }, "a", 3);
        Assert.False(t.IsAlive);
        Assert.StartsWith("Thread-", t.Name, StringComparison.Ordinal);
        t.Start();
        t.Join(30);
        Assert.False(t.IsAlive);
        Assert.Equal(["a", "a", "a"], seen);
        Assert.Throws<InvalidOperationException>(t.Start);
    }

    [Fact]
    public void Names_are_numbered_as_CPython_numbers_them_with_the_targets_name_and_a_given_name_takes_no_number()
    {
        // One test, so that no other test creates threads between these (the tests of a class run one at a time).
        static void Work() { }
        var first = new PyThreading.Thread(Work);
        var n = int.Parse(first.Name["Thread-".Length..first.Name.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        var named = new PyThreading.Thread(Work) { Name = "named" };
        var lambda = new PyThreading.Thread(() => { });
        var subclass = new Counter(1);

        Assert.Equal($"Thread-{n} (Work)", first.Name);
        Assert.Equal("named", named.Name);
        Assert.Equal($"Thread-{n + 1} (<lambda>)", lambda.Name);
        Assert.Equal($"Thread-{n + 2}", subclass.Name);
    }

    [Fact]
    public void Join_with_a_timeout_returns_with_the_thread_alive()
    {
        using var release = new ManualResetEventSlim();
        var t = new PyThreading.Thread(() => release.Wait(TimeSpan.FromSeconds(60))) { Daemon = true };
        t.Start();
        t.Join(0.05);
        Assert.True(t.IsAlive);
        release.Set();
        t.Join(30);
        Assert.False(t.IsAlive);
        Assert.Throws<InvalidOperationException>(() => t.Daemon = false);
    }

    [Fact]
    public void A_subclass_overrides_run_and_an_escaping_exception_ends_only_its_thread()
    {
        var counter = new Counter(5);
        counter.Start();
        counter.Join(30);
        Assert.Equal(5, counter.Total);
        Assert.Matches("^Thread-[0-9]+$", counter.Name); // as CPython: a subclass is not named after its class

        var failing = new PyThreading.Thread((Action)(() => throw new InvalidOperationException("boom")));
        failing.Start();
        failing.Join(30);
        Assert.False(failing.IsAlive); // and this process is still here
        Assert.Throws<InvalidOperationException>(() => new PyThreading.Thread(() => { }).Join());
    }

    [Fact]
    public void Wait_for_returns_when_the_predicate_holds_and_notify_wakes_exactly_one()
    {
        var cond = new PyThreading.Condition();
        var items = 0;
        var woken = 0;
        var waiters = Enumerable.Range(0, 3).Select(_ => new PyThreading.Thread(() =>
        {
            using (cond.EnterScope())
            {
                if (cond.WaitFor(() => items > 0, 60))
                {
                    items--;
                    woken++;
                }
            }
        })).ToList();
        waiters.ForEach(w => w.Start());
        using (cond.EnterScope())
        {
            items = 1;
            cond.Notify();
        }

        Assert.True(Wait.Until(() => waiters.Count(w => !w.IsAlive) == 1));
        using (cond.EnterScope())
        {
            Assert.Equal(1, woken);
            items = 2;
            cond.NotifyAll();
        }

        waiters.ForEach(w => w.Join(30));
        Assert.Equal(3, woken);
    }

    [Fact]
    public void Waiting_or_notifying_without_the_lock_is_an_error_and_wait_times_out()
    {
        var cond = new PyThreading.Condition();
        Assert.Throws<SynchronizationLockException>(() => cond.Wait(0.01));
        Assert.Throws<SynchronizationLockException>(() => cond.Notify());
        Assert.Throws<SynchronizationLockException>(cond.Release);
        using (cond.EnterScope())
        {
            Assert.False(cond.Wait(0.05));
            Assert.False(cond.WaitFor(() => false, 0.05));
        }
    }

    private sealed class Counter(int times) : PyThreading.Thread
    {
        public int Total { get; private set; }

        public override void Run()
        {
            for (var i = 0; i < times; i++)
            {
                Total++;
            }
        }
    }
}
