using Helpers.Multiprocessing;
using Xunit;
using Process = Helpers.Multiprocessing.Process;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Pool semantics, with the expectations of CPython's test_multiprocessing, and what CPython gets wrong.</summary>
public sealed class PoolTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Apply_and_apply_async_return_results_and_call_the_callback()
    {
        using var pool = new Pool(2);
        Assert.Equal(49, pool.Apply(PoolTargets.Square, 7));
        Assert.Equal(5, pool.Apply(PoolTargets.Add, 2, 3));
        var seen = 0;
        var result = pool.ApplyAsync(PoolTargets.Square, 8, callback: v => seen = v);
        Assert.Equal(64, result.Get(60));
        Assert.Equal(64, seen);
        Assert.True(result.Ready());
        Assert.True(result.Successful());
    }

    [Fact]
    public void Map_keeps_order_for_any_chunk_size_and_imap_and_starmap_agree()
    {
        using var pool = new Pool(2);
        var expected = Enumerable.Range(0, 100).Select(x => x * x).ToList();
        Assert.Equal(expected, pool.Map(PoolTargets.Square, Enumerable.Range(0, 100)));
        Assert.Equal(expected, pool.Map(PoolTargets.Square, Enumerable.Range(0, 100), chunksize: 1));
        Assert.Equal(expected, pool.Map(PoolTargets.Square, Enumerable.Range(0, 100), chunksize: 37));
        Assert.Empty(pool.Map(PoolTargets.Square, Array.Empty<int>()));
        Assert.Equal(expected, pool.MapAsync(PoolTargets.Square, Enumerable.Range(0, 100)).Get(60));
        Assert.Equal(expected, pool.Imap(PoolTargets.Square, Enumerable.Range(0, 100)).ToList());
        Assert.Equal(expected, pool.ImapUnordered(PoolTargets.Square, Enumerable.Range(0, 100), chunksize: 7).Order().ToList());
        Assert.Equal([3, 7], pool.Starmap(PoolTargets.Add, [(1, 2), (3, 4)]));
    }

    [Fact]
    public void A_task_exception_is_raised_again_with_its_type_message_and_remote_trace()
    {
        using var pool = new Pool(1);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Apply(PoolTargets.Fail, "boom"));
        Assert.Equal("boom", error.Message);
        var remote = Assert.IsType<RemoteException>(error.InnerException);
        Assert.Contains(nameof(PoolTargets.Fail), remote.Message, StringComparison.Ordinal);

        Exception? reported = null;
        var failed = pool.ApplyAsync(PoolTargets.Fail, "again", errorCallback: e => reported = e);
        Assert.Throws<InvalidOperationException>(() => failed.Get(60));
        Assert.False(failed.Successful());
        Assert.IsType<InvalidOperationException>(reported);
        Assert.Throws<InvalidOperationException>(() => pool.Map(PoolTargets.Fail, ["a", "b"]));
        Assert.Equal(4, pool.Apply(PoolTargets.Square, 2)); // The worker goes on.
    }

    [Fact]
    public void Get_with_a_timeout_raises_and_the_result_stays_pending()
    {
        using var pool = new Pool(1);
        var slow = pool.ApplyAsync(PoolTargets.Sleep, 1.0);
        Assert.Throws<TimeoutException>(() => slow.Get(0.05));
        Assert.False(slow.Ready());
        Assert.Throws<InvalidOperationException>(() => slow.Successful());
        Assert.True(slow.Get(60) > 0);
    }

    [Fact]
    public void A_killed_worker_fails_its_task_instead_of_hanging_and_is_replaced()
    {
        using var pool = new Pool(1);
        var first = pool.Workers.Single();
        using var started = new Helpers.Multiprocessing.Event();
        var running = pool.ApplyAsync(PoolTargets.Hold, started);
        Assert.True(started.Wait(60), "the task never started");
        first.Kill();

        var error = Assert.Throws<WorkerLostException>(() => running.Get(30));
        Assert.Contains($"pid {first.Pid}", error.Message, StringComparison.Ordinal);
        Assert.Contains("signal 9", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(first.Pid, pool.Apply(PoolTargets.Pid, 0));
    }

    [Fact]
    public void With_maxtasksperchild_workers_are_replaced_and_an_initializer_runs_in_each()
    {
        using var pool = new Pool(1, initializer: PoolTargets.Greet, initargs: ["hello"], maxtasksperchild: 1);
        var pids = Enumerable.Range(0, 3).Select(_ => pool.Apply(PoolTargets.Pid, 0)).ToList();
        Assert.Equal(3, pids.Distinct().Count());
        Assert.Equal("hello", pool.Apply(PoolTargets.Greeting, 0));
    }

    [Fact]
    public void Bad_input_and_misuse_are_refused_as_python_does()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool(1, maxtasksperchild: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool(1, maxtasksperchild: -1));

        var pool = new Pool(1);
        Assert.Throws<InvalidOperationException>(() => pool.Join());
        Assert.Throws<ArgumentException>(() => pool.ApplyAsync(PoolTargets.Length, new MemoryStream()));
        var unsendable = pool.ApplyAsync(PoolTargets.Unsendable, 1);
        Assert.Throws<MaybeEncodingException>(() => unsendable.Get(60));
        Assert.Equal(9, pool.Apply(PoolTargets.Square, 3));
        pool.Close();
        Assert.Throws<InvalidOperationException>(() => pool.Apply(PoolTargets.Square, 1));
        Assert.True(pool.Join(60));
        pool.Dispose();

        var scoped = new Pool(1);
        using (scoped)
        {
        }

        Assert.Throws<InvalidOperationException>(() => scoped.ApplyAsync(PoolTargets.Square, 1));
    }

    [Fact]
    public void Join_after_close_waits_for_every_task_and_the_workers_exit()
    {
        var pool = new Pool(2);
        var results = Enumerable.Range(0, 20).Select(i => pool.ApplyAsync(PoolTargets.Square, i)).ToList();
        var pids = pool.Workers.Select(w => w.Pid!.Value).ToList();
        pool.Close();
        Assert.True(pool.Join(120));
        Assert.All(results, r => Assert.True(r.Ready()));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * i), results.Select(r => r.Get()));
        Assert.All(pids, pid => Assert.True(Wait.PidGone(pid), $"worker {pid} still runs"));
    }

    [Fact]
    public void Terminate_with_thousands_of_pending_tasks_fails_them_all()
    {
        var pool = new Pool(2);
        var slow = Enumerable.Range(0, 3000).Select(_ => pool.ApplyAsync(PoolTargets.Sleep, 1.0)).ToList();
        pool.Terminate();
        Assert.All(slow, r => Assert.True(r.Ready()));
        Assert.All(slow.Where(r => !r.Successful()), r => Assert.Throws<InvalidOperationException>(() => r.Get()));
        Assert.True(slow.Count(r => !r.Successful()) >= 2990);
        Assert.DoesNotContain(Mp.ActiveChildren(), p => p.Name.StartsWith("SpawnPoolWorker", StringComparison.Ordinal));
    }

    [Fact]
    public void Callers_on_several_threads_read_each_others_results_and_callbacks_stay_on_the_result_thread()
    {
        using var pool = new Pool(2);

        // While callers wait in Get they read the results queue themselves; a result with a callback
        // that one of them reads is still settled where CPython settles it, on the result thread. A
        // callback that waits for another result gets it (CPython's result handler deadlocks there).
        string? callbackThread = null;
        var nested = 0;
        var slow = pool.ApplyAsync(PoolTargets.Sleep, 0.3);
        var withCallback = pool.ApplyAsync(PoolTargets.Square, 3, callback: _ =>
        {
            callbackThread = Thread.CurrentThread.Name;
            nested = pool.Apply(PoolTargets.Square, 4);
        });
        var wrong = new int[4];
        var callers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                var x = (t * 1000) + i;
                if (pool.Apply(PoolTargets.Square, x) != x * x)
                {
                    wrong[t]++;
                }
            }
        })).ToList();
        callers.ForEach(c => c.Start());
        Assert.True(slow.Get(60) > 0);
        Assert.All(callers, c => Assert.True(c.Join(TimeSpan.FromSeconds(120)), "a caller never got its results"));

        Assert.Equal([0, 0, 0, 0], wrong);
        Assert.Equal(9, withCallback.Get(60));
        Assert.Equal("Pool result handler", callbackThread);
        Assert.Equal(16, nested);
    }

    [Fact]
    public void Terminate_from_another_thread_ends_a_caller_waiting_in_get()
    {
        var pool = new Pool(1);
        using var started = new Helpers.Multiprocessing.Event();
        var running = pool.ApplyAsync(PoolTargets.Hold, started);
        Assert.True(started.Wait(60), "the task never started");
        Exception? error = null;
        var caller = new Thread(() => error = Record.Exception(() => running.Get(60)));
        caller.Start();

        pool.Terminate(); // Whether the caller waits in the queue by now or not, it ends, and the queue is freed (LeakCheck).
        Assert.True(caller.Join(TimeSpan.FromSeconds(30)), "the caller still waits after Terminate");
        Assert.IsType<InvalidOperationException>(error);
    }
}
