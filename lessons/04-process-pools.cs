// Generated from notebooks/04-process-pools.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/04-process-pools.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/04-process-pools.cs

// %% [raw]
#:project ../Helpers.csproj

// %%
// The notebook's using directives, all here: C# takes them only before the first statement.
#pragma warning disable CS8981              // lower-case aliases, as Python's module names
using mp = Helpers.Multiprocessing;       // Python's `import multiprocessing as mp`
using threading = Helpers.Threading;      // Python's `import threading`
using static Helpers.Multiprocessing.Mp;   // ActiveChildren(), CpuCount(), CurrentProcess(), ParentProcess()
using Process = Helpers.Multiprocessing.Process;   // Python's `from multiprocessing import Process`
using Helpers.Measure;                    // Trials, Spread, Difference, CpuShare, Speedup: measuring on a noisy machine
using Helpers.Charts;                     // Figure and ToChart(): charts, drawn offline, with their figures as a table
using Helpers.Exercises;                  // Exercise.Check and Verdict: the checked exercises
using Helpers.Notebook;                   // CellProgress: a line of progress in the running cell
using Helpers.Tracing;                    // Timeline: who ran when, in every process, drawn and saved for Perfetto
using System.IO;
using System.Threading;
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// A Windows console writes in its code page unless told otherwise: the lesson's ✓, ×, → and 中文 need UTF-8.
Console.OutputEncoding = System.Text.Encoding.UTF8;

// %% [markdown]
// [← 03 · 进程的锁机制](03-process-locks-and-shared-memory.ipynb) · [目录 · Contents](00-index.ipynb) · [05 · 线程的创建 →](05-creating-threads.ipynb)
//
// # 04 · 进程池 · Process pools
//
// Starting a process takes time: the first cells below measure how much on this machine, as [notebook 01](01-process-creation.ipynb) does, beside a task handed to a process that is already running. A **pool** starts its worker processes once and hands them task after task, so a task then costs a message, not a process start. The note's section shows `apply_async` in a loop with `close`/`join`, the `with` form with `get(timeout)`, and `map`. This notebook runs those, then measures how a CPU-bound job speeds up with more workers, against `cpu_count()`.
//
// What differs in .NET:
// - The functions can be written in this notebook. CPython's pool cannot use a function defined in a Jupyter notebook with spawn: the workers re-import `__main__` and do not find it.
// - If a worker dies (killed, crashed), its task fails with `WorkerLostException` and the pool replaces the worker. CPython's `Pool` waits forever in that case.
// - A task's exception comes back with its type, its message and the worker's stack trace, as in Python.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Measure what starting a process costs against a task in a pool that is already running.
// - Hand tasks to a `mp.Pool` with `ApplyAsync`, then `Close()` and `Join()`, as the note does with a function that returns nothing; time the batch, and see which worker ran each task.
// - Use the `using` form (Python's `with`), `Get(timeout)`, `Map`, `Starmap` and `Imap`.
// - *Going deeper, optional:* get a task's exception back in the parent, and see the pool replace a worker that died.
// - Measure speedup and efficiency against `CpuCount()`, and read the chart with Amdahl's law.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

// %% [markdown]
// ## 为什么用进程池 · Why a pool
//
// A pool pays off when starting a process costs much more than handing a task to a process that is already running. Both are measured here with a function that does nothing:

// %%
void Nothing() { }

// %% [markdown]
// Start + join of a new process, eight times, 0.3 s apart, so that with the default `standby` start method ([notebook 01](01-process-creation.ipynb#start-methods)) a spare child is ready each time: the quickest a new process starts here. Then the same function as a task of a running one-worker pool, twenty times (`Apply` is `ApplyAsync` followed by `Get`). The table gives milliseconds; the sentence compares every run of one with every run of the other (the rule of notebook 01):

// %%
var processStart = Spread.Of(Enumerable.Range(0, 8).Select(_ =>
{
    Thread.Sleep(300);   // untimed: time for the spare to be ready
    return 1000 * Trials.Seconds(() =>
    {
        var child = new Process(Nothing);
        child.Start();
        child.Join();
    });
}));
Spread poolTask;
using (var pool = new mp.Pool(processes: 1))
{
    pool.Apply(Nothing);   // untimed: waits until the worker has started
    poolTask = Spread.Of(Enumerable.Range(0, 20).Select(_ => 1000 * Trials.Seconds(() => pool.Apply(Nothing))));
}
Console.WriteLine(Difference.Of("a task in a running pool", poolTask, "starting a new process", processStart).Reading("ms", "F2", "took less time than"));
display(new[] { ("start + join of a new process", processStart), ("a task in a running pool", poolTask) }.ToTable("F2"));

// %% [markdown]
// ## 不带 with 的写法 · apply_async in a loop, then close and join
//
// The note:
// ```python
// from multiprocessing.pool import Pool
//
// def fun1():
//     pass
//
// if __name__ == '__main__':
//     p = Pool(processes = 4)
//     for _ in range(10):
//         p.apply_async(fun1)		# apply_async(func_object, args)
//     p.close()            # no more tasks
//     p.join()             # wait until all are done and the workers have exited
// ```
// In C# a function that returns nothing is `void`, and `ApplyAsync` takes it as Python's `apply_async` does. Here `Fun1` sleeps for 0.2 s instead of `pass`, so that the time of the batch shows whether the workers ran at the same time.

// %%
void Fun1() => Thread.Sleep(200);   // the note's `pass`, made to last 0.2 s

// %% [markdown]
// The note's loop, with a clock from the pool's start to the end of `Join`. `Batch` (from the helpers) reads the time against the tasks one after another and against the rounds that 4 workers need:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var p = new mp.Pool(processes: 4);
for (var i = 0; i < 10; i++)
    p.ApplyAsync(Fun1);
p.Close();
p.Join();
display(new Batch(Tasks: 10, Each: 0.2, Workers: 4, Seconds: clock.Elapsed.TotalSeconds).Reading("from the pool's start to the end of Join"));

// %% [markdown]
// A `void` function tells nothing about where and when it ran. To see that, let the function return its task's number, its worker's pid, and the times it started and ended (`Stopwatch.GetTimestamp()` reads a clock that every process of the machine shares). `ApplyAsync` returns an `AsyncResult`, and its `Get()` gives that value, as in Python `results = [p.apply_async(f, (i,)) for i in range(10)]`, then `[r.get() for r in results]`.

// %%
(int Task, int Worker, long Start, long End) WhoRuns(int task)
{
    var start = System.Diagnostics.Stopwatch.GetTimestamp();
    Thread.Sleep(200);
    return (task, Environment.ProcessId, start, System.Diagnostics.Stopwatch.GetTimestamp());
}

// %% [markdown]
// The same batch, keeping the results: how long the tasks themselves took, from the first one's start to the last one's end (without starting and stopping the workers), and one row per worker:

// %%
p = new mp.Pool(processes: 4);   // declared in an earlier cell: a lesson is one scope
var results = Enumerable.Range(0, 10).Select(i => p.ApplyAsync(WhoRuns, i)).ToList();
p.Close();
p.Join();
var ran = results.Select(r => r.Get()).ToList();
var span = System.Diagnostics.Stopwatch.GetElapsedTime(ran.Min(r => r.Start), ran.Max(r => r.End)).TotalSeconds;
Console.WriteLine(new Batch(ran.Count, 0.2, 4, span).Reading("from the first task's start to the last one's end"));
display(ran.GroupBy(r => r.Worker)
   .Select(g => new { Worker = $"pid {g.Key}", Tasks = string.Join(", ", g.Select(r => r.Task)), Count = g.Count() })
   .ToTabularDataResource());

// %% [markdown]
// Each row is one worker and the tasks it ran. A worker takes the next task as soon as it is free, so which worker runs which task, and how many each runs, can change from run to run. The sleeps of different workers overlap in time: that is what both times above measure, the first with the pool's start and stop, the second without.
//
// ## 带 with 的写法 · The `with` form and `get(timeout)`
//
// ```python
// with Pool(processes=2) as pool:
//     result = pool.apply_async(slow, (2.0,))
//     print(result.get(timeout=0.5))   # raises multiprocessing.TimeoutError
// ```
// In C#, `using` is Python's `with`. Leaving it **terminates** the pool, as in Python. `Get(timeout)` raises `TimeoutException`, and the task goes on, so a later `Get` can still return its result:

// %%
double Slow(double seconds)
{
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    return seconds;
}

// %% [markdown]
// A task of 1 s, a `Get` that waits only 0.2 s for it, then one that waits long enough:

// %%
using (var pool = new mp.Pool(processes: 2))
{
    var result = pool.ApplyAsync(Slow, 1.0);
    try { result.Get(timeout: 0.2); }
    catch (TimeoutException e) { Console.WriteLine($"TimeoutException: {e.Message}"); }
    Console.WriteLine($"Ready() = {result.Ready()}; Get(timeout: 5) = {result.Get(timeout: 5)}");
}

// %% [markdown]
// ## map · 映射
//
// `pool.map(f, iterable)` calls `f` on every item in the workers and returns the results **in the items' order**. Items travel in chunks, by default about four chunks per worker, so that many tiny calls cost little each. `imap` gives the results one by one as they come; `imap_unordered` gives them in the order they finish; `starmap` takes tuples of arguments.

// %%
int Square(int x) => x * x;
int Add(int a, int b) => a + b;

// %% [markdown]
// The four calls, on a pool of two workers:

// %%
using (var pool = new mp.Pool(processes: 2))
{
    Console.WriteLine($"Map:     [{string.Join(", ", pool.Map(Square, Enumerable.Range(0, 10)))}]");
    Console.WriteLine($"Starmap: [{string.Join(", ", pool.Starmap(Add, [(1, 2), (3, 4), (5, 6)]))}]");
    Console.Write("Imap:    ");
    foreach (var square in pool.Imap(Square, Enumerable.Range(0, 5)))
        Console.Write($"{square} ");
    Console.WriteLine();
}

// %% [markdown]
// ## 深入 · Going deeper: errors and dead workers · 异常与崩溃
//
// *Optional.* This section and the next do not fit in a 45-minute class with the speedup: take them when there is time. The exercises below use nothing defined in them.
//
// ### Errors come back · 异常
//
// An exception in a task is raised again by `Get` (or `Map`) in the parent, with its own type and message. Its `InnerException` is a `RemoteException` that carries the worker's stack trace (`RemoteTrace`), as Python's `RemoteTraceback` does. `error_callback` (C#: `errorCallback`) is told too.

// %%
int Divide(int a, int b) => a / b;

// %% [markdown]
// Divide by zero in a worker, and catch the exception in the parent:

// %%
using (var pool = new mp.Pool(processes: 1))
{
    try { pool.Apply(Divide, 1, 0); }
    catch (DivideByZeroException e)
    {
        Console.WriteLine($"{e.GetType().Name}: {e.Message}");
        var remote = (mp.RemoteException)e.InnerException;
        Console.WriteLine("worker's trace: " + string.Join(" | ", remote.RemoteTrace.Split('\n').Take(2)));
    }
}

// %% [markdown]
// ### When a worker dies · 工作进程崩溃
//
// Here a worker is killed (SIGKILL) while it runs a task. In CPython, `get()` would now wait forever. Here the task fails soon after, with a message that names the worker and the signal (the cell prints how long after the kill), and the pool starts a new worker and goes on. `Hang` tells the parent through an `Event` that it has started, then sleeps forever:

// %%
int Hang(mp.Event started)
{
    started.Set();
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

// %% [markdown]
// Kill the worker while it runs `Hang`, then ask for the result, and give the pool another task:

// %%
using (var pool = new mp.Pool(processes: 1))
using (var started = new mp.Event())
{
    var doomed = pool.ApplyAsync(Hang, started);
    if (!started.Wait(timeout: 60)) throw new TimeoutException("the task did not start within a minute");
    var worker = pool.Workers.Single();
    var sinceKill = System.Diagnostics.Stopwatch.StartNew();
    worker.Kill();
    try { doomed.Get(timeout: 30); }
    catch (mp.WorkerLostException e) { Console.WriteLine($"{e.Message}\n(raised {sinceKill.Elapsed.TotalSeconds:F2} s after the kill)"); }
    Console.WriteLine($"the pool goes on: Square(12) = {pool.Apply(Square, 12)} in worker pid {pool.Workers.Single().Pid}; the killed worker was pid {worker.Pid}");
}

// %% [markdown]
// *End of the optional section.*
//
// ## Speedup against cpu_count · 加速比
//
// A CPU-bound job: counting the primes below 5,000,000 by trial division, cut into 48 ranges, a few seconds on one worker. The job runs on pools of 1, 2, … `CpuCount()` workers, and on twice that many. Each count runs eight times, interleaved with the other counts. **Speedup** is the one-worker time divided by the time with *n* workers, each count read by its quickest run (other work on the machine only ever adds time, so the quickest run is the best estimate of the work itself); the bar on the chart allows for the medians too. **Efficiency** is speedup ÷ *n*. The pools are started before the clock runs, so the chart shows the work itself, not process start-up.
//
// Each round also measures how much of the machine this kernel has: the same spin on one thread, then on `CpuCount()` threads at once (`CpuShare`). Other programs (a browser, a video call, another student's job on a shared server) take CPU time, and no speedup can pass what they leave; the reading starts with that share.

// %%
int CountPrimes(int from, int to)
{
    var count = 0;
    for (var n = Math.Max(from, 2); n < to; n++)
    {
        var prime = true;
        for (var d = 2; d * d <= n; d++)
            if (n % d == 0) { prime = false; break; }
        if (prime) count++;
    }
    return count;
}

// %% [markdown]
// One pool per worker count, each given a first, untimed map before the clock runs; then the job on each pool:

// %%
const int Limit = 5_000_000, Ranges = 48;
var ranges = Enumerable.Range(0, Ranges).Select(i => (i * Limit / Ranges, (i + 1) * Limit / Ranges)).ToList();
var counts = Speedup.DefaultWorkerCounts();
var pools = counts.ToDictionary(n => n, n => new mp.Pool(n));
foreach (var pool in pools.Values) pool.Map(Square, Enumerable.Range(0, 4 * pool.Processes));   // untimed warm-up: the first tasks wait for the workers to start

var total = 0;
var curve = Speedup.Measure("process Pool", n => total = pools[n].Starmap(CountPrimes, ranges, chunksize: 1).Sum(),
                            counts, progress: CellProgress.Line());
foreach (var pool in pools.Values) pool.Dispose();
Console.WriteLine($"primes below {Limit:N0}: {total:N0}");
display(new[] { curve }.ToChart());

// %% [markdown]
// What the figures say, in sentences computed from them and from the share of the machine measured in the same rounds (the table under the chart has the figures):

// %%
display(curve.Reading(CpuCount()));

// %% [markdown]
// **Reading the chart.** The ideal line is what *n* workers would give if nothing were shared: *n* times as fast. The job is almost entirely parallel: the ranges are independent, and only 48 small messages and the final sum are serial. So up to `CpuCount()` workers the measured curve can only fall short of the ideal through what the machine shares: memory bandwidth, caches, other programs, and, on a virtual machine, CPUs that are not wholly ours. **Amdahl's law** bounds the speedup by the serial part: if a fraction *p* of the work can run in parallel, *n* workers give at most
//
// > **S(n) = 1 / ((1 − p) + p / n)**
//
// So with *p* = 0.95 even infinitely many workers give at most 20×. Beyond `CpuCount()` there is nothing left to gain: twice as many workers as CPUs only take turns on the same CPUs, so look for the curve to flatten there; the sentences above say whether it did in this run. On a machine with more cores the flat part starts later; rerun these cells in class to see it there. `tests/Benchmarks` measures CPython's `multiprocessing.Pool` on the same job, to compare; [notebook 05](05-creating-threads.ipynb) runs this job on threads too, which in .NET can use every core, since there is no GIL.
//
// Uneven ranges also cost speedup, because higher numbers take longer to test. With `chunksize: 1`, a worker that finishes early takes the next range, and the load stays balanced. Try `chunksize: 24` with 2 workers to see one worker left with all the slow ranges.

// %% [markdown]
// ### 谁在什么时候工作 · Who worked when
//
// A timeline shows where a pool's time goes. While a `Timeline` records, every process of the program writes down what it does, on one clock that all of them share: here, when each worker began and ended each task. Start it before the pool, so that the workers join it. The job runs twice, each time on a new pool of two workers: with `chunksize: 1`, then with the default, which cuts the 48 ranges into about four chunks per worker (six ranges each):

// %%
Timeline Record(int? chunksize)
{
    var timeline = Timeline.Start();
    using (var pool = new mp.Pool(2))
        pool.Starmap(CountPrimes, ranges, chunksize);
    timeline.Stop();
    return timeline;
}

var byOne = Record(1);
var byDefault = Record(null);
display(byOne.ToChart("Pool(2), chunksize 1: a bar per range", s => s.Kind == TimelineKind.Task));

// %% [markdown]
// Each row is a worker process and each bar a task; hover a bar to see its ranges, its time, and how much of that time its worker had a CPU. The same job with the default chunksize, where each bar is a chunk of six ranges, and the last chunks hold the largest numbers, which take longest to test:

// %%
display(byDefault.ToChart("Pool(2), default chunksize: a bar per chunk of six ranges", s => s.Kind == TimelineKind.Task));

// %% [markdown]
// What the two timelines show, in sentences computed from their bars. "Had a CPU" is the worker process's CPU time over its tasks' wall time (all its threads count, so a task can pass 100 %): well below 100 %, the worker was ready to run but waited for a CPU that another program had.

// %%
string Reading(string how, Timeline t)
{
    var tasks = t.Spans.Where(s => s.Kind == TimelineKind.Task).ToList();
    var (start, end) = (tasks.Min(s => s.Start), tasks.Max(s => s.End));
    var workers = tasks.GroupBy(s => s.Lane).Select(g => (First: g.Select(s => s.Start).Min(), Last: g.Select(s => s.End).Max())).ToList();
    var cpu = tasks.Sum(s => s.CpuMilliseconds ?? 0) / tasks.Sum(s => s.Duration);
    return $"{how}: {tasks.Count} tasks in {end - start:N0} ms; the second worker began its first task {workers.Max(w => w.First) - start:N0} ms after the first one did; " +
           $"both workers busy at once for {t.AtOnce(s => s.Kind == TimelineKind.Task) / (end - start):P0} of the time; one worker had nothing left to do for the last {end - workers.Min(w => w.Last):N0} ms; " +
           $"while a task ran, its worker had a CPU {cpu:P0} of the time.";
}

Console.WriteLine(Reading("chunksize 1", byOne));
Console.WriteLine(Reading("default chunksize", byDefault));

// %% [markdown]
// A new pool's workers are new processes, and they need not be ready at the same moment: until the second one is, the first runs every task. Where the workers had a CPU nearly all the time and one of them still sat idle at the end, the job was uneven: the last chunk was long, and nobody could share it. `timeline.Save("run.json")` writes a timeline for [Perfetto](https://ui.perfetto.dev) (open the file there) or `chrome://tracing`, the viewers Python's VizTracer uses; it also shows each child's start, step by step.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need a function for the pool that returns its square and the pid of the worker that ran it:

// %%
(int Square, int Pid) SquareWhere(int x) => (x * x, Environment.ProcessId);

// %% [markdown]
// ### 04.1 · Count primes in parallel · 并行计数素数
//
// *Practises:* cutting a job into independent tasks, handing them to a pool with `Starmap`, and combining the results.
//
// Write `CountPrimesBelow(pool, limit, parts)`: cut `[0, limit)` into `parts` ranges that together cover it exactly, count each range's primes in the pool with `CountPrimes` (from the speedup section), and return the sum.
//
// <details><summary>Hint · 提示</summary>
//
// Where does range `i` start, and where does the range before it end? What must the last range end at when `parts` does not divide `limit`? Which call of the pool takes a function of two arguments and a list of pairs?
// </details>

// %%
// Counts the primes below `limit` in `parts` ranges, on the pool's workers.
int CountPrimesBelow(mp.Pool pool, int limit, int parts)
{
    // BEGIN SOLUTION
    var ranges = Enumerable.Range(0, parts).Select(i => (i * limit / parts, (i + 1) * limit / parts));
    return pool.Starmap(CountPrimes, ranges).Sum();
    // END SOLUTION
}

// %% [markdown]
// The check counts the primes here in one piece, then asks your function with several numbers of parts, on a pool of two workers:

// %%
display(Exercise.Check("04.1", "CountPrimesBelow(pool, limit, parts) equals CountPrimes(0, limit) for any number of parts", () =>
{
    using var pool = new mp.Pool(2);
    const int below = 200_001;
    var expected = CountPrimes(0, below);                                          // counted here, in one piece
    var seen = new[] { 1, 7, 16 }.Select(parts => (Parts: parts, Got: CountPrimesBelow(pool, below, parts))).ToList();
    var wrong = seen.Where(s => s.Got != expected).ToList();
    return wrong.Count == 0
        ? Verdict.Pass($"{expected:N0} primes below {below:N0}, the same count with {Exercise.Show(seen.Select(s => s.Parts))} parts.")
        : Verdict.Fail($"there are {expected:N0} primes below {below:N0}; with {wrong[0].Parts} parts you counted {wrong[0].Got:N0}. Does each range start where the one before ends, and does the last end at limit?");
}, timeout: 90));

// %% [markdown]
// ### 04.2 · Pick a chunksize · 选择 chunksize
//
// *Practises:* sending many tiny tasks in chunks, seeing that a chunk travels and runs as one task in one worker, and explaining the speedup it gives.
//
// Write `MapInChunks(pool, items)`: choose a chunksize larger than 1 and at most half the items, map `SquareWhere` over `items` with it, and return the chunksize and the results. The check verifies the squares and their order, and that each chunk of consecutive items ran in one worker; then it times your chunksize once against chunks of one item. Explain the difference in a comment in your solution: how many messages does each make?
//
// <details><summary>Hint · 提示</summary>
//
// Look at `Map`'s third parameter. How many messages does one item a chunk cost, and how many does `c` items a chunk? And what happens at the end of the map if one chunk is much larger than the work left for the other worker? (`Map` picks about four chunks per worker when you give none.)
// </details>

// %%
// Squares the items on the pool in chunks of a size you choose; returns that size and the results.
(int Chunksize, List<(int Square, int Pid)> Results) MapInChunks(mp.Pool pool, int[] items)
{
    // BEGIN SOLUTION
    // Four chunks per worker: a message each way per chunk instead of per item, and no worker idle for long at the end.
    var chunksize = Math.Max(2, items.Length / (4 * pool.Processes));
    return (chunksize, pool.Map(SquareWhere, items, chunksize));
    // END SOLUTION
}

// %% [markdown]
// The check maps many tiny tasks through your function on a pool of two workers, then times chunks of one against yours (the time is reported, not judged):

// %%
display(Exercise.Check("04.2", "MapInChunks returns a chunksize from 2 to half the items, and the squares in order, each chunk run by one worker", () =>
{
    using var pool = new mp.Pool(2);
    var items = Enumerable.Range(0, 20_000).ToArray();
    var (size, results) = MapInChunks(pool, items);
    if (size < 2 || size > items.Length / 2) return Verdict.Fail($"expected a chunksize from 2 to {items.Length / 2:N0}; got {size}.");
    if (results is null || !results.Select(r => r.Square).SequenceEqual(items.Select(x => x * x)))
        return Verdict.Fail($"expected the {items.Length:N0} squares in the items' order; got {results?.Count ?? 0} results starting {Exercise.Show(results?.Take(4).Select(r => r.Square))}.");
    var split = results.Chunk(size).Count(chunk => chunk.Select(r => r.Pid).Distinct().Count() > 1);
    if (split > 0) return Verdict.Fail($"{split} chunks of {size} consecutive items ran in more than one worker: was the chunksize passed to Map?");
    var one = Trials.Seconds(() => pool.Map(SquareWhere, items, chunksize: 1));
    var yours = Trials.Seconds(() => pool.Map(SquareWhere, items, chunksize: size));
    return Verdict.Pass($"{results.Count:N0} squares in order, in chunks of {size}, each chunk in one worker. Timed once each: chunks of 1 took {1000 * one:F0} ms, yours {1000 * yours:F0} ms ({one / yours:F1}×), with {items.Length:N0} and {(items.Length + size - 1) / size:N0} tasks.");
}, timeout: 120));

// %% [markdown]
// ## 小结 · Summary
//
// - A pool starts its worker processes once and hands them task after task, so a task costs a message rather than a process start; the first cells measured both on this machine.
// - `ApplyAsync` takes a function that returns nothing (`void`, as the note's `fun1`) or one that returns a value. It returns an `AsyncResult`, and `Get(timeout)` raises `TimeoutException` while the task goes on. `Close()` then `Join()` waits for the workers; leaving a `using` block terminates the pool, as Python's `with` does.
// - `Map` returns the results in the items' order and sends the items in chunks; `Imap` yields the results one by one; `Starmap` unpacks tuples of arguments.
// - A task's exception is raised again in the parent with its type, its message and the worker's trace. When a worker dies, only its task fails (`WorkerLostException`), and the pool replaces the worker.
// - The speedup chart above shows how the job's time changed with the number of workers on this machine, up to `CpuCount()` and beyond, against the ideal line. Amdahl's law bounds the speedup by the serial part, and `chunksize` decides how evenly uneven work is shared.
//
// **Documentation**
// - Python: [`multiprocessing.pool.Pool`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool), [`Pool.apply_async`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool.apply_async), [`Pool.map`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool.map), [`Pool.imap`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool.imap), [`Pool.starmap`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool.starmap), [`AsyncResult`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.AsyncResult), [`multiprocessing.TimeoutError`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.TimeoutError), [`multiprocessing.Event`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Event), [`cpu_count`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.cpu_count)
// - .NET: [`Thread.Sleep`](https://learn.microsoft.com/dotnet/api/system.threading.thread.sleep), [`TimeoutException`](https://learn.microsoft.com/dotnet/api/system.timeoutexception), [`Exception.InnerException`](https://learn.microsoft.com/dotnet/api/system.exception.innerexception), [`Environment.ProcessId`](https://learn.microsoft.com/dotnet/api/system.environment.processid), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch)

// %% [markdown]
// [← 03 · 进程的锁机制](03-process-locks-and-shared-memory.ipynb) · [目录 · Contents](00-index.ipynb) · [05 · 线程的创建 →](05-creating-threads.ipynb)
