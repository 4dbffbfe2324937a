// Generated from notebooks/05-creating-threads.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/05-creating-threads.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/05-creating-threads.cs

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
// [← 04 · 进程池](04-process-pools.ipynb) · [目录 · Contents](00-index.ipynb) · [06 · 线程锁机制 →](06-thread-locks-and-conditions.ipynb)
//
// # 05 · 线程的创建 · Creating threads
//
// Threads run inside one process and share its memory: no arguments to serialize, no process to start. The note creates them in two ways, a function (`threading.Thread(target=..., args=...)`) and a subclass that overrides `run`. This notebook does both with a Python-shaped `Thread` from the helpers, then shows the .NET way (`Task`, `async` I/O, `Parallel`), and, in an optional part, measures threads against processes on CPU-bound work.
//
// What differs in .NET, and it is a large difference:
// - **No GIL.** CPython, in its default build, lets one thread at a time run Python bytecode: that is its global interpreter lock, the GIL. So threads do not make CPU-bound Python faster, and that is why the note's processes exist. A .NET process runs its threads on all cores at once; the optional last section shows it on a chart, with CPython measured beside it. Free-threaded CPython (the `3.13t` and `3.14t` builds, [PEP 703](https://peps.python.org/pep-0703/), officially supported since Python 3.14 by [PEP 779](https://peps.python.org/pep-0779/)) has no GIL either.
// - **The GIL is not a lock for your data.** It keeps the interpreter's own state safe (reference counts, the insides of built-in objects such as `dict`), not your read-modify-write: `x += 1` is several bytecodes (load, add, store), and a thread switch can fall between them. Two Python threads can therefore lose updates as two .NET threads can; on recent CPythons it is rare, but nothing guarantees it, which is why `threading.Lock` exists. [Notebook 06](06-thread-locks-and-conditions.ipynb) takes up locks.
// - .NET's `System.Threading.Thread` is sealed (no subclassing), and an exception that escapes a plain .NET thread ends the whole process. Here that would be the notebook's kernel. The helpers' `threading.Thread` can be subclassed, and, as in Python, it prints such an exception and ends only its own thread.
// - A thread's target can be any delegate, a lambda too, because the thread is in the same process as the code that started it.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Create threads with the helpers' `threading.Thread`, from a function with arguments and from a subclass that overrides `Run()`, and see that two threads' lines come in an order the scheduler picks.
// - Use `Join(timeout)`, `IsAlive`, `Name` and `Daemon` (Python's `join(timeout)`, `is_alive()`, `name` and `daemon`; `getName()` is deprecated), and see an exception end only its own thread.
// - Know the .NET way: `Task.Run` for CPU-bound work, the async APIs with `await` for I/O, `Task.WhenAll`, `Parallel.For`/`Parallel.ForEach`, and when a dedicated `Thread` fits.
// - Know what the GIL protects (the interpreter) and what it does not (your `x += 1`).
// - Going deeper (optional): compare threads, `Parallel.ForEach` and a process pool on CPU-bound work, beside CPython's threads and processes, and see what the GIL changes.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

// %% [markdown]
// ## 函数的方式 · Function style
//
// ```python
// import threading, time
//
// def fun1(name, n):
//     for i in range(n):
//         print(f"{name}: step {i} on thread {threading.current_thread().name}")
//         time.sleep(0.01)          # a step that takes a little time
//
// if __name__ == "__main__":
//     t1 = threading.Thread(target=fun1, args=("A", 3))
//     t2 = threading.Thread(target=fun1, args=("B", 3))
//     t1.start(); t2.start()
//     t1.join(); t2.join()
// ```
//
// In C#, `Fun1` also records whose line it printed, so that the cell can say afterwards whether the two threads' lines interleaved in this run. The `lock` (notebook 06 explains it) makes the print and the record one step, so the record matches the screen.

// %%
var printed = new List<string>();   // whose line came out, in the order the lines came out

void Fun1(string name, int n)
{
    for (var i = 0; i < n; i++)
    {
        lock (printed)
        {
            Console.WriteLine($"{name}: step {i} on thread {Thread.CurrentThread.Name}");
            printed.Add(name);
        }
        Thread.Sleep(10);          // a step that takes a little time, as real work does
    }
}

// %%
printed.Clear();
var t1 = new threading.Thread(Fun1, "A", 3);
var t2 = new threading.Thread(Fun1, "B", 3);
t1.Start(); t2.Start();
t1.Join(); t2.Join();
var switches = printed.Zip(printed.Skip(1)).Count(p => p.First != p.Second);   // a line from the other thread than the line before
display(switches > 1
    ? $"Order of the lines in this run: {string.Join(" ", printed)}. The output went from one thread to the other {switches} times: the two threads' lines interleaved."
    : $"Order of the lines in this run: {string.Join(" ", printed)}. One thread printed all its lines before the other printed any: no interleaving this time. Run the cell again.");

// %% [markdown]
// Look at the order of the A and B lines, and at the sentence under them, computed from that order. Both threads run at the same time, and which one prints first at each step is up to the scheduler, so the order can differ from run to run: run the cell again to see. Each step sleeps 10 ms, so the threads are likely to take turns; with three steps and no sleep, a thread can print all its lines before the other has started. The names on the lines are the ones the helpers gave the threads (see *Names* below).
//
// ## 面向对象的方式 · Subclass style
//
// ```python
// class MyThread(threading.Thread):
//     def __init__(self, n):
//         super().__init__()
//         self.n = n
//
//     def run(self):                # need to override
//         self.total = sum(range(self.n))
// ```
// The object stays in this process, so whatever `Run` stores in it can be read after `Join`. A `Process` subclass could not do that: its fields are copied to the child.

// %%
// class MyThread: at the end of this file, where C# takes types.

// %%
var mine = new MyThread(1_000_000);
mine.Start();
mine.Join();
display($"{mine.Name}: Total = {mine.Total:N0}, IsAlive = {mine.IsAlive}");

// %% [markdown]
// ## 线程自带的方法 · is_alive, names, join(timeout), daemon
//
// The note lists `thread.is_alive()/getName()`. `is_alive()` is today's name (the old `isAlive()` was removed in Python 3.9). `getName()` still works, but it has been deprecated since Python 3.10: read the `name` attribute instead (and assign to it instead of calling `setName()`). The helpers have `IsAlive` and `Name`, and no `GetName()`.
//
// ```python
// t = threading.Thread(target=fun1, args=("C", 1))
// t.name          # 'Thread-N (fun1)' since Python 3.10 ('Thread-N' before)
// t.is_alive()    # False: not started yet
// t.getName()     # the same name, with a DeprecationWarning: write t.name
// ```
//
// **Names.** CPython names a thread that was given no name `Thread-N`, N being a number that grows by one with each such thread; since Python 3.10 it adds the target's name, as in `Thread-3 (fun1)`. An instance of a subclass has no target, so it is plain `Thread-N`: CPython does not name it after its class (the `MyThread` above printed as `Thread-N`). The helpers name threads the same way, `Thread-N (<lambda>)` for a lambda, and, as CPython, a thread given its name at once (`{ Name = "sleeper" }` below) takes no number.
//
// `join(timeout)` returns when the thread ends or when the timeout has passed, whichever comes first, and returns `None` either way: call `is_alive()` afterwards to know which. A **daemon** thread (`Daemon = true`, .NET's `IsBackground`) does not keep the process alive at exit, while a normal thread does. `Join(timeout)`, `IsAlive` and `Daemon` behave here as they do in Python:

// %%
var sleeper = new threading.Thread(() => Thread.Sleep(1000)) { Name = "sleeper", Daemon = true };
sleeper.Start();
sleeper.Join(timeout: 0.2);
Console.WriteLine($"after Join(0.2): {sleeper.Name} IsAlive = {sleeper.IsAlive}");
sleeper.Join();
Console.WriteLine($"after Join():    {sleeper.Name} IsAlive = {sleeper.IsAlive}");

var failing = new threading.Thread(new Action(() => throw new InvalidOperationException("an error in a thread")));
failing.Start();
failing.Join();
Console.WriteLine("the notebook goes on: only that thread ended");

// %% [markdown]
// ## The .NET way · Task 和 Parallel
//
// Python-shaped threads are useful for reading the note side by side. In C# code of your own, you would rarely create a thread per job:
// - `Task.Run(() => ...)` runs CPU-bound work on the **thread pool**, which reuses a few threads. Its use is to move a computation off a thread that must stay free: a UI thread, or a server's request thread. A `Task<T>` carries its result and its exception; `await` waits for it without blocking the thread, and `Task.WhenAll` waits for several.
// - **I/O is not `Task.Run`'s job.** To read a stream, a file or a web page, call the async API and await it: `await stream.ReadAsync(buffer)`, `await File.ReadAllTextAsync(path)`, `await httpClient.GetStringAsync(url)`. While a network read waits, no thread waits with it, whereas `Task.Run` around a blocking `Read` would hold a pool thread for the whole wait. (On Linux, .NET does read regular files on a pool thread, because file reads are synchronous in the kernel; your code awaits them all the same.) Python's counterpart is `asyncio`; Python's threads suit I/O too, because CPython releases the GIL while a thread waits for I/O.
// - `Parallel.For` / `Parallel.ForEach` split a CPU-bound loop over the cores and wait for the end. Use it for data parallelism.
// - A dedicated `Thread` is for long-lived work with its own identity: a loop that runs for the life of the program, or a thread that needs a particular priority.
//
// An example of each of the first three:

// %%
// CPU-bound work on the thread pool: Task.Run, and Task.WhenAll to wait for all of it.
var squares = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => Task.Run(() => i * i)));

// I/O: the async API, awaited; no Task.Run.
var path = System.IO.Path.GetTempFileName();
await System.IO.File.WriteAllTextAsync(path, "written and read back with await");
var text = await System.IO.File.ReadAllTextAsync(path);
System.IO.File.Delete(path);

// Data parallelism: a loop split over the cores, each part with its own subtotal.
var sum = 0L;
Parallel.For(0, 1_000_000, () => 0L, (i, _, local) => local + i, local => Interlocked.Add(ref sum, local));

Console.WriteLine($"Task.Run and Task.WhenAll: [{string.Join(", ", squares)}]");
Console.WriteLine($"File.ReadAllTextAsync:     \"{text}\"");
Console.WriteLine($"Parallel.For:              the sum of 0 … {999_999:N0} is {sum:N0}");

// %% [markdown]
// ## 谁在运行 · Who runs when: .NET threads and CPython's
//
// The summary below says that CPython's threads take turns on CPU-bound Python code, because of the GIL, while .NET's run at once. A timeline shows it. The job, as in [notebook 04](04-process-pools.ipynb): count the primes by trial division, here below 2,000,000 in 24 ranges, on two threads that each take the next range. The counting function:

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
// The two threads, while a `Timeline` records; `Timeline.Mark` names each range on the chart, on the row of the thread that counted it:

// %%
const int TimelineLimit = 2_000_000;
var parts = Enumerable.Range(0, 24).Select(i => (From: i * TimelineLimit / 24, To: (i + 1) * TimelineLimit / 24)).ToArray();
var threadTimeline = Timeline.Start();
var cpuBefore = Environment.CpuUsage.TotalTime;   // this process's CPU time: two threads running at once use two CPUs' worth
var nextPart = -1;
var counters = Enumerable.Range(1, 2).Select(i => new threading.Thread(() =>
{
    for (int k; (k = Interlocked.Increment(ref nextPart)) < parts.Length;)
        using (Timeline.Mark($"range {k}"))
            CountPrimes(parts[k].From, parts[k].To);
}) { Name = $"counter {i}" }).ToList();
counters.ForEach(t => t.Start());
counters.ForEach(t => t.Join());
var dotnetCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
threadTimeline.Stop();
display(threadTimeline.ToChart(".NET: two threads counting primes", s => s.Kind == TimelineKind.Mark));

// %% [markdown]
// CPython's threads cannot join a .NET timeline, and CPython 3.11 reports no GIL hand-offs, so they time themselves: each reads `time.perf_counter_ns()` before every number it tests, and a gap of more than half a millisecond between two readings means it was not running meanwhile (`CPython.ThreadTurns`, which runs `cpython.py` beside the kernel). The same job on two CPython threads, below 400,000, since pure Python counts much more slowly:

// %%
var turnsPython = CPython.TryStart(out var noPythonHere);
var pythonTurns = turnsPython?.ThreadTurns(2, 400_000);
turnsPython?.Dispose();
display(pythonTurns is null ? (object)$"CPython: not measured ({noPythonHere})" : pythonTurns.ToChart($"CPython {pythonTurns.Version}: two threads counting primes"));

// %% [markdown]
// What the two timelines show, computed from them. Overlapping bars say that both threads were counting in the same stretch of time, not that each had a CPU throughout: on a busy machine the system may run them in turns. So the .NET reading adds this process's CPU time over the counting's wall time, which is about 2 CPUs' worth only when both ran at once. A gap in a CPython thread's bars means it was not running: it waited for the GIL or, on a busy machine, for a CPU; its timings cannot tell those apart, so the reading uses the .NET figure, from the same machine a moment earlier:

// %%
var dotnetAlive = threadTimeline.AtOnce(s => s.Kind == TimelineKind.Thread);
var dotnetShare = threadTimeline.AtOnce(s => s.Kind == TimelineKind.Mark) / dotnetAlive;
var dotnetCpus = dotnetCpu / threadTimeline.AtOnce(s => s.Kind == TimelineKind.Thread, atLeast: 1);
Console.WriteLine($".NET: both threads were counting for {dotnetShare:P0} of the {dotnetAlive:N0} ms both were alive, and the process used {dotnetCpus:F1} CPUs' worth of time meanwhile.");
if (pythonTurns is null)
    Console.WriteLine($"CPython: not measured ({noPythonHere}).");
else
{
    var pythonShare = pythonTurns.RunningTogether() / pythonTurns.AliveTogether();
    Console.WriteLine($"CPython {pythonTurns.Version}: both threads were running at the same time for {pythonShare:P0} of the {pythonTurns.AliveTogether():N0} ms both were alive; " +
                      $"a thread ran for a median of {pythonTurns.MedianSlice:N1} ms at a time (the switch interval, sys.getswitchinterval(), is {pythonTurns.SwitchIntervalMilliseconds:N0} ms).");
    Console.WriteLine(dotnetCpus < 1.5
        ? $"The .NET threads had only {dotnetCpus:F1} CPUs' worth between them: other programs left this kernel about one CPU now, so this run cannot show the GIL apart from the machine's load. Run both cells again when the machine is quieter."
        : pythonShare < 0.1
            ? "So the GIL shows: the .NET threads ran at once, CPython's took turns, one running Python code while the other waited."
            : $"CPython's threads ran at once {pythonShare:P0} of the time, more than a GIL lets Python code: this CPython may be a free-threaded build, without a GIL.");
}

// %% [markdown]
// ## 深入 · Going deeper
//
// *Optional: this section does not fit in a 45-minute class beside the exercises, and the exercises do not need it; skip to 练习 · Exercises if time is short.* It measures threads against processes on CPU-bound work, .NET's and CPython's, which takes the machine minutes to run and the class a while to read.

// %% [markdown]
// ### Threads vs processes on CPU-bound work · 线程与进程
//
// The same job as in [notebook 04](04-process-pools.ipynb): count the primes below 5,000,000, cut into 48 ranges. It runs with 1, 2, … `CpuCount()` and twice as many workers, in five ways: .NET threads (each takes the next range until none is left), `Parallel.ForEach`, the process `Pool`, and CPython's `threading` threads and `multiprocessing.Pool` (CPython counts below 400,000, because pure Python counts much more slowly; a speedup compares a kind with itself at one worker, so the sizes need not match). Each run takes a second or more on one worker, so that the work, not the noise, decides the figures.
//
// A classroom machine is shared with other programs, so one run proves little. Every point is measured eight times, after a warm-up, with the runs of all five kinds and all worker counts interleaved, so that a burst of other work hits all of them alike. A speedup is read from each count's quickest run (other work only adds time); the bar allows for the medians. The measurement takes two or three minutes.

// %% [markdown]
// The three .NET ways. The threads share a counter of the next range, taken with `Interlocked.Increment`, so no range is counted twice:

// %%
const int Limit = 5_000_000, PythonLimit = 400_000, Ranges = 48;
var ranges = Enumerable.Range(0, Ranges).Select(i => (i * Limit / Ranges, (i + 1) * Limit / Ranges)).ToArray();

void WithThreads(int n)
{
    var next = -1;
    var workers = Enumerable.Range(0, n).Select(_ => new threading.Thread(() =>
    {
        for (int i; (i = Interlocked.Increment(ref next)) < ranges.Length;)
            CountPrimes(ranges[i].Item1, ranges[i].Item2);
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
}

// %% [markdown]
// The measurement. Each pool is started before the clock runs, as a pool is made to be reused; CPython runs beside the kernel in one `python3` process that answers each request with its own wall time (`Helpers.Measure.CPython`). Where `python3` is not installed, the cell says so and measures .NET only. `Parallel.ForEach` takes the ranges one at a time (`Partitioner.Create(ranges, EnumerablePartitionerOptions.NoBuffering)`), as the threads do: by default it cuts an array into blocks, and the block with the highest numbers, the slowest to test, can leave one worker alone at the end. Each round also measures how much of the machine this kernel has (`CpuShare`: the same spin on one thread, then on `CpuCount()` threads at once), since no speedup can pass it.

// %%
var counts = Speedup.DefaultWorkerCounts();
var pools = counts.ToDictionary(n => n, n => new mp.Pool(n));
var python = CPython.TryStart(out var noPython);
var jobs = new List<(string, Func<int, double>)>
{
    ("threads", n => Trials.Seconds(() => WithThreads(n))),
    ("Parallel.ForEach", n => Trials.Seconds(() => Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(ranges, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = n }, r => CountPrimes(r.Item1, r.Item2)))),
    ("process Pool", n => Trials.Seconds(() => pools[n].Starmap(CountPrimes, ranges, chunksize: 1))),
};
if (python is not null)
    jobs.AddRange([("CPython threads", n => python.PrimesSeconds("threads", n, PythonLimit)), ("CPython processes", n => python.PrimesSeconds("processes", n, PythonLimit))]);
var clock = System.Diagnostics.Stopwatch.StartNew();
var curves = Speedup.Compare(jobs, counts);
foreach (var pool in pools.Values) pool.Dispose();
python?.Dispose();
display($"{curves.Sum(c => c.Points.Sum(p => p.Seconds.Count))} timed runs in {clock.Elapsed.TotalSeconds:F0} s{(python is null ? "; " + noPython : $", CPython {python.Version} beside .NET")}");

// %%
display(curves.ToChart($"Threads vs processes on CPU-bound work ({CpuCount()} CPUs)"));

// %% [markdown]
// What this run shows, in sentences computed from the figures above and the share of the machine (a kind "ran clearly faster" only when nearly every pairing of its one-worker runs with its runs at `CpuCount()` workers agrees, the rule of notebook 01; otherwise the sentence gives the direction seen and says the run cannot tell). Look for which kinds scaled and which did not:

// %%
display(curves.Reading(CpuCount()));

// %% [markdown]
// **Why it matters.** Where CPython's threads cannot make Python code faster, its processes can: that is why the note's first four sections use processes. C# has no GIL, so C# code uses threads (or `Parallel`, or `Task`) for CPU-bound work, and keeps processes for isolation, when a crash or a kill must not take the rest down.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.

// %% [markdown]
// ### 05.1 · A thread that returns a result · 返回结果的线程
//
// *Practises:* a `threading.Thread` subclass that keeps its result in a property for the parent to read after `Join()`, Python's usual answer to "a thread cannot return a value".
//
// Complete `SumOfSquares.Run()`: add up `i * i` for every `i` from `From` (included) to `To` (excluded), as a `long`, and store the sum in `Result`.
//
// <details><summary>Hint · 提示</summary>
//
// How large does `i * i` get when `i` approaches 1,000,000, and how large can an `int` be (`int.MaxValue`)? In which type must the product be computed, not only the sum? And why does the parent read `Result` only after `Join()`? (`Join()` guarantees that it sees what the thread wrote.)
// </details>

// %%
// class SumOfSquares: at the end of this file, where C# takes types.

// %% [markdown]
// The check calls `Run()` here first, on this thread, then starts two of your threads on the two halves of a range and adds up what they return:

// %%
display(Exercise.Check("05.1", "SumOfSquares(from, to), started and joined, holds the sum of i·i for from ≤ i < to in Result", () =>
{
    var here = new SumOfSquares(1, 4);
    here.Run();                                                     // first on this thread: 1 + 4 + 9
    if (here.Result != 14) return Verdict.Fail($"SumOfSquares(1, 4).Run() left Result = {here.Result}; expected 1 + 4 + 9 = 14.");
    var halves = new[] { new SumOfSquares(0, 500_000) { Daemon = true }, new SumOfSquares(500_000, 1_000_000) { Daemon = true } };
    foreach (var t in halves) t.Start();
    foreach (var t in halves) t.Join(timeout: 30);
    var expected = Enumerable.Range(0, 1_000_000).Sum(i => (long)i * i);
    var got = halves.Sum(t => t.Result);
    return got == expected
        ? Verdict.Pass($"two threads, half the range each: their Results add up to {got:N0}, the sum of i² for 0 ≤ i < {1_000_000:N0}.")
        : Verdict.Fail($"two threads over the two halves of [0, {1_000_000:N0}) returned {halves[0].Result:N0} and {halves[1].Result:N0}, together {got:N0}; expected {expected:N0}. Is i·i computed as a long?");
}));

// %% [markdown]
// ### 05.2 · Split, start, join, combine · 分工与汇总
//
// *Practises:* splitting a job among several threads, starting them all before joining any, and reading their results only after `Join()`.
//
// Write `SplitAndJoin(n, k)`: split `[0, n)` into `k` ranges that cover it exactly, make one `SumOfSquares` per range, start them all, join them all, and return the threads. The check adds up their results.
//
// <details><summary>Hint · 提示</summary>
//
// Where must range `i` start and end, so that the ranges meet and the last one ends exactly at `n`, even when `k` does not divide `n`? (Exercise 04.1 asked the same.) Then: why start every thread before joining any? What would joining each one right after starting it do?
// </details>

// %%
// Runs one SumOfSquares per range of [0, n); returns the threads, started and joined.
List<SumOfSquares> SplitAndJoin(int n, int k)
{
    // BEGIN SOLUTION
    var workers = Enumerable.Range(0, k).Select(i => new SumOfSquares(i * n / k, (i + 1) * n / k)).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    return workers;
    // END SOLUTION
}

// %% [markdown]
// The check uses a range that the number of threads does not divide, so that the last range must end exactly at `n`:

// %%
display(Exercise.Check("05.2", "SplitAndJoin(n, k) returns k joined threads whose ranges cover [0, n) and whose Results add up to the sum of i²", () =>
{
    const int n = 1_000_003, k = 3;
    var workers = SplitAndJoin(n, k) ?? [];
    var spans = workers.OrderBy(w => w.From).Select(w => (w.From, w.To)).ToList();
    var shown = spans.Count == 0 ? "none" : string.Join(", ", spans.Select(s => $"[{s.From:N0}, {s.To:N0})"));
    var covers = spans.Count == k && spans[0].From == 0 && spans[^1].To == n && spans.Zip(spans.Skip(1)).All(p => p.First.To == p.Second.From);
    if (!covers) return Verdict.Fail($"expected {k} threads whose ranges meet and cover [0, {n:N0}); got {shown}.");
    if (workers.Any(w => w.IsAlive)) return Verdict.Fail("some threads were still running when SplitAndJoin returned: join each one.");
    var expected = Enumerable.Range(0, n).Sum(i => (long)i * i);
    var got = workers.Sum(w => w.Result);
    return got == expected
        ? Verdict.Pass($"{k} threads over {shown}, all joined; their Results add up to {got:N0}.")
        : Verdict.Fail($"the ranges are right, but the Results add up to {got:N0}; expected {expected:N0}.");
}));

// %% [markdown]
// ## 小结 · Summary
//
// - Threads live in one process and share its memory: no arguments to serialize, any delegate (a lambda too) can be a target, and what a thread stores in its object can be read after `Join()`.
// - Two threads' lines come in the order the scheduler picks, which can change from run to run; the function-style cell recorded the order and said whether the lines interleaved.
// - The helpers' `threading.Thread` follows Python: the function and subclass styles, `Join(timeout)`, `IsAlive`, `Name`, `Daemon`. An exception that escapes is printed and ends only that thread, where a plain .NET thread would end the whole process.
// - In Python, read a thread's name from `t.name` (`getName()` is deprecated since 3.10). CPython names a thread `Thread-N (target)`, or `Thread-N` for a subclass instance, and the helpers do the same.
// - In C# code of your own: `Task.Run` to move CPU-bound work off a UI or request thread, the async APIs with `await` for I/O (no thread waits for the network), `Parallel.For`/`Parallel.ForEach` for data parallelism, and dedicated threads for long-lived work.
// - CPython's GIL lets one thread at a time run Python bytecode: its threads do not speed up CPU-bound Python, and they still need locks, because the GIL protects the interpreter's own state, not your `x += 1`. Free-threaded CPython (3.13t, 3.14t) has no GIL. .NET has none either: in C#, threads, not processes, are the tool for CPU-bound work, and processes remain the tool for isolation.
// - Going deeper (optional): the chart puts .NET threads, `Parallel.ForEach` and the process pool beside CPython's threads and processes on the same job, and the sentences under it say which kinds ran clearly faster with more workers on this machine, in this run.
//
// **Documentation**
// - Python: [`threading.Thread`](https://docs.python.org/3/library/threading.html#threading.Thread), [`Thread.join`](https://docs.python.org/3/library/threading.html#threading.Thread.join), [`Thread.name`](https://docs.python.org/3/library/threading.html#threading.Thread.name), [`Thread.getName`](https://docs.python.org/3/library/threading.html#threading.Thread.getName) (deprecated), [`Thread.is_alive`](https://docs.python.org/3/library/threading.html#threading.Thread.is_alive), [`Thread.daemon`](https://docs.python.org/3/library/threading.html#threading.Thread.daemon), [`threading.current_thread`](https://docs.python.org/3/library/threading.html#threading.current_thread), [`multiprocessing.pool.Pool`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool), [global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock), [free-threaded CPython](https://docs.python.org/3/howto/free-threading-python.html)
// - .NET: [`System.Threading.Thread`](https://learn.microsoft.com/dotnet/api/system.threading.thread), [`Thread.IsBackground`](https://learn.microsoft.com/dotnet/api/system.threading.thread.isbackground), [`Task`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task), [`Task.WhenAll`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task.whenall), [asynchronous programming scenarios](https://learn.microsoft.com/dotnet/csharp/asynchronous-programming/async-scenarios) (I/O-bound and CPU-bound), [`File.ReadAllTextAsync`](https://learn.microsoft.com/dotnet/api/system.io.file.readalltextasync), [`HttpClient.GetStringAsync`](https://learn.microsoft.com/dotnet/api/system.net.http.httpclient.getstringasync), [`Parallel`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.parallel), [`ParallelOptions.MaxDegreeOfParallelism`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.paralleloptions.maxdegreeofparallelism), [`Interlocked`](https://learn.microsoft.com/dotnet/api/system.threading.interlocked)

// %% [markdown]
// [← 04 · 进程池](04-process-pools.ipynb) · [目录 · Contents](00-index.ipynb) · [06 · 线程锁机制 →](06-thread-locks-and-conditions.ipynb)

// %% [markdown]
// The types written in the cells above: C# takes a file's types only after its top-level statements.

// %%
class MyThread : threading.Thread
{
    private readonly int n;
    public long Total { get; private set; }

    public MyThread(int n) => this.n = n;

    public override void Run()
    {
        for (var i = 0; i < n; i++) Total += i;
    }
}

// A thread whose Run() leaves its answer in Result, for whoever joins it.
class SumOfSquares(int from, int to) : threading.Thread
{
    public int From { get; } = from;
    public int To { get; } = to;
    public long Result { get; private set; }

    public override void Run()
    {
        // BEGIN SOLUTION
        long sum = 0;
        for (var i = From; i < To; i++) sum += (long)i * i;
        Result = sum;
        // END SOLUTION
    }
}
