// Generated from notebooks/05-creating-threads.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/05-creating-threads.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/05-creating-threads.cs

// %% [raw]
#:project ../Helpers.csproj

// %%
// The notebook's using directives, all here: C# takes them only before the first statement.
#pragma warning disable CS8981              // lower-case aliases, as Python's module names
using threading = Helpers.Threading;      // Python's `import threading`
using mp = Helpers.Multiprocessing;       // Python's `import multiprocessing as mp`
using static Helpers.Multiprocessing.Mp;   // CpuCount()
using System.Threading;
using Helpers.Measure;
using Helpers.Notebook;
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 04 · 进程池](04-process-pools.ipynb) · [目录 · Contents](00-index.ipynb) · [06 · 线程锁机制 ⏩](06-thread-locks-and-conditions.ipynb)
//
// # 05 · 线程的创建 · Creating threads
//
// Threads run inside one process and share its memory: no arguments to serialize, no process to start. The note creates them in two ways, a function (`threading.Thread(target=..., args=...)`) and a subclass that overrides `run`. This notebook does both with a Python-shaped `Thread` from the helpers, then shows the .NET way (`Task`, `Parallel`), and measures threads against processes on CPU-bound work.
//
// What differs in .NET, and it is a large difference:
// - **No GIL.** CPython lets one thread at a time run Python code, so threads do not make CPU-bound Python faster; that is why the note's processes exist. A .NET process runs its threads on all cores at once. The last section shows it on a chart, with CPython measured beside it.
// - .NET's `System.Threading.Thread` is sealed (no subclassing), and an exception that escapes a plain .NET thread ends the whole process. Here that would be the notebook's kernel. The helpers' `threading.Thread` can be subclassed, and, as in Python, it prints such an exception and ends only its own thread.
// - A thread's target can be any delegate, a lambda too, because the thread is in the same process as the code that started it.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Create threads with the helpers' `threading.Thread`, from a function with arguments and from a subclass that overrides `Run()`.
// - Use `Join(timeout)`, `IsAlive`, `Name` and `Daemon`, and see an exception end only its own thread.
// - Know the .NET way: `Task.Run`, `Task.WhenAll`, `Parallel.For`/`Parallel.ForEach`, and when a dedicated `Thread` fits.
// - Compare threads, `Parallel.ForEach` and a process pool on CPU-bound work, beside CPython's threads and processes, and see what the GIL changes.

// %% [markdown]
// **Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ## 函数的方式 · Function style
//
// ```python
// import threading
//
// def fun1(name, n):
//     for i in range(n):
//         print(f"{name}: step {i} on thread {threading.current_thread().name}")
//
// if __name__ == "__main__":
//     t1 = threading.Thread(target=fun1, args=("A", 3))
//     t1.start()
//     t1.join()
// ```

// %%
void Fun1(string name, int n)
{
    for (var i = 0; i < n; i++)
        Console.WriteLine($"{name}: step {i} on thread {Thread.CurrentThread.Name}");
}

// %%
var t1 = new threading.Thread(Fun1, "A", 3);
var t2 = new threading.Thread(Fun1, "B", 3);
t1.Start(); t2.Start();
t1.Join(); t2.Join();

// %% [markdown]
// The two threads' lines interleave differently on every run: both run at the same time, and the order in which they reach the console is up to the scheduler.
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
// `join(timeout)` returns after the timeout whether or not the thread has finished; `is_alive()` tells which. A **daemon** thread (`Daemon = true`, .NET's `IsBackground`) does not keep the process alive at exit, while a normal thread does. Both behave as in Python.

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
// - `Task.Run(() => ...)` runs work on the **thread pool**, which reuses a few threads. A `Task<T>` carries its result and its exception, and `await` combines tasks. Use it for most concurrent work, and always for I/O.
// - `Parallel.For` / `Parallel.ForEach` split a CPU-bound loop over the cores and wait for the end. Use it for data parallelism.
// - A dedicated `Thread` is for long-lived work with its own identity: a loop that runs for the life of the program, or a thread that needs a particular priority.

// %%
var squares = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => Task.Run(() => i * i)));
var sum = 0L;
Parallel.For(0, 1_000_000, () => 0L, (i, _, local) => local + i, local => Interlocked.Add(ref sum, local));
display($"Task.WhenAll: [{string.Join(", ", squares)}];  Parallel.For sum of 0..999 999 = {sum:N0}");

// %% [markdown]
// ## Threads vs processes on CPU-bound work · 线程与进程
//
// The same job as in [notebook 04](04-process-pools.ipynb): count the primes below 5 000 000, cut into 48 ranges. It runs with 1, 2, … `CpuCount()` and twice as many workers, in five ways: .NET threads (each takes the next range until none is left), `Parallel.ForEach`, the process `Pool`, and CPython's `threading` threads and `multiprocessing.Pool` (CPython counts below 400 000, because pure Python counts much more slowly; a speedup compares a kind with itself at one worker, so the sizes need not match).
//
// A classroom machine is shared with other programs, so one run proves little. Every point is measured three times, after a warm-up, with the runs of all five kinds and all worker counts interleaved, so that a burst of other work hits all of them alike. The chart shows the median and, as a bar, the range of the three. The measurement takes a minute or two.

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
// The measurement. Each pool is started before the clock runs, as a pool is made to be reused; CPython runs beside the kernel in one `python3` process that answers each request with its own wall time (`Helpers.Measure.CPython`). Where `python3` is not installed, the cell says so and measures .NET only.

// %%
var counts = Speedup.DefaultWorkerCounts();
var pools = counts.ToDictionary(n => n, n => new mp.Pool(n));
var python = CPython.TryStart(out var noPython);
var jobs = new List<(string, Func<int, double>)>
{
    ("threads", n => Trials.Seconds(() => WithThreads(n))),
    ("Parallel.ForEach", n => Trials.Seconds(() => Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = n }, r => CountPrimes(r.Item1, r.Item2)))),
    ("process Pool", n => Trials.Seconds(() => pools[n].Starmap(CountPrimes, ranges, chunksize: 1))),
};
if (python is not null)
    jobs.AddRange([("CPython threads", n => python.PrimesSeconds("threads", n, PythonLimit)), ("CPython processes", n => python.PrimesSeconds("processes", n, PythonLimit))]);
var clock = System.Diagnostics.Stopwatch.StartNew();
var curves = Speedup.Compare(jobs, counts);
foreach (var pool in pools.Values) pool.Dispose();
python?.Dispose();
display($"{jobs.Count * counts.Count * 3} timed runs in {clock.Elapsed.TotalSeconds:F0} s{(python is null ? "; " + noPython : $", {python.Version} beside .NET")}");

// %%
display(curves.ToChart($"Threads vs processes on CPU-bound work ({CpuCount()} CPUs)"));

// %% [markdown]
// What this run shows, in sentences computed from the figures above (a sentence says so when the run was too noisy to show the lesson):

// %%
IEnumerable<string> Reading(IReadOnlyList<SpeedupCurve> curves, int cpus)
{
    SpeedupPoint At(string name) => curves.FirstOrDefault(c => c.Name == name)?.At(cpus);
    yield return $"At {cpus} workers (the CPU count): .NET threads {At("threads")}, Parallel.ForEach {At("Parallel.ForEach")}, process Pool {At("process Pool")}.";
    yield return cpus == 1 ? "This machine has one CPU: no kind of worker can run faster than one here."
        : curves.Take(3).All(c => c.At(cpus).Low > 1.2) ? "All three .NET kinds ran faster with more workers, even in their slowest run: with no GIL, .NET threads use every core, as processes do."
        : "This run does not show all three .NET kinds scaling (a slowest run at or below 1.2×): most likely, other programs took the cores. Rerun the measurement when the machine is quieter.";
    if (At("CPython threads") is { } t && At("CPython processes") is { } p)
        yield return t.High < p.Low && t.High < 1.3
            ? $"CPython's threads stayed at {t} while its processes reached {p}: the GIL lets one thread at a time run Python code."
            : $"This run does not separate CPython's threads ({t}) from its processes ({p}): their ranges overlap, or the threads passed 1.3×. Rerun when the machine is quieter.";
    foreach (var c in curves.Where(c => c.Points.Any(p => p.AboveIdeal)))
        yield return $"{c.Name} is above the ideal line even in its slowest run: its one-worker runs were slowed by other work, so its speedups overstate.";
}

display(string.Join("\n", Reading(curves, CpuCount()).Select(line => "• " + line)));

// %% [markdown]
// **Why it matters.** Where CPython's threads cannot make Python code faster, its processes can: that is why the note's first four sections use processes. C# has no GIL, so C# code uses threads (or `Parallel`, or `Task`) for CPU-bound work, and keeps processes for isolation, when a crash or a kill must not take the rest down.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need one more `using`:

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ### 05.1 · A thread that returns a result · 返回结果的线程
//
// *Practises:* a `threading.Thread` subclass that keeps its result in a property for the parent to read after `Join()`, Python's usual answer to "a thread cannot return a value".
//
// Complete `SumOfSquares.Run()`: add up `i * i` for every `i` from `From` (included) to `To` (excluded), as a `long`, and store the sum in `Result`.
//
// <details><summary>Hint · 提示</summary>
//
// A `long` local and a `for` loop, then `Result = sum;`. Multiply as `(long)i * i`: `i * i` in `int` overflows once `i` passes about 46 000. The parent reads `Result` only after `Join()`, which guarantees that it sees what the thread wrote.
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
        ? Verdict.Pass($"two threads, half the range each, returned {Exercise.Show(halves.Select(t => t.Result))}: together {got:N0}, the sum of i² below 1 000 000.")
        : Verdict.Fail($"two threads over the two halves of [0, 1 000 000) returned {Exercise.Show(halves.Select(t => t.Result))}, together {got:N0}; expected {expected:N0}. Is i·i computed as a long?");
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
// As in exercise 04.1, range `i` is `(i * n / k, (i + 1) * n / k)`. Build the list first (`Enumerable.Range(0, k).Select(...).ToList()`), then `ForEach(t => t.Start())`, then `ForEach(t => t.Join())`: joining each thread right after starting it would run them one after another.
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
    var covers = spans.Count == k && spans[0].From == 0 && spans[^1].To == n && spans.Zip(spans.Skip(1)).All(p => p.First.To == p.Second.From);
    if (!covers) return Verdict.Fail($"expected {k} threads whose ranges meet and cover [0, {n:N0}); got {Exercise.Show(spans)}.");
    if (workers.Any(w => w.IsAlive)) return Verdict.Fail("some threads were still running when SplitAndJoin returned: join each one.");
    var expected = Enumerable.Range(0, n).Sum(i => (long)i * i);
    var got = workers.Sum(w => w.Result);
    return got == expected
        ? Verdict.Pass($"{k} threads over {Exercise.Show(spans)}, all joined; their Results add up to {got:N0}.")
        : Verdict.Fail($"the ranges are right, but the Results add up to {got:N0}; expected {expected:N0}.");
}));

// %% [markdown]
// ## 小结 · Summary
//
// - Threads live in one process and share its memory: no arguments to serialize, any delegate (a lambda too) can be a target, and what a thread stores in its object can be read after `Join()`.
// - The helpers' `threading.Thread` follows Python: the function and subclass styles, `Join(timeout)`, `IsAlive`, `Name`, `Daemon`. An exception that escapes is printed and ends only that thread, where a plain .NET thread would end the whole process.
// - In C# code of your own, use `Task.Run` and `Task.WhenAll` for concurrent work and `Parallel.For`/`Parallel.ForEach` for data parallelism, and keep dedicated threads for long-lived work.
// - The chart above puts .NET threads, `Parallel.ForEach` and the process pool beside CPython's threads and processes on the same job: read from it how each of them scaled on this machine.
// - CPython's GIL lets one thread at a time run Python code, and .NET has no GIL: in C#, threads, not processes, are the tool for CPU-bound work, and processes remain the tool for isolation.
//
// **Documentation**
// - Python: [`threading.Thread`](https://docs.python.org/3/library/threading.html#threading.Thread), [`Thread.join`](https://docs.python.org/3/library/threading.html#threading.Thread.join), [`Thread.daemon`](https://docs.python.org/3/library/threading.html#threading.Thread.daemon), [`threading.current_thread`](https://docs.python.org/3/library/threading.html#threading.current_thread), [`multiprocessing.pool.Pool`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool), [global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock)
// - .NET: [`System.Threading.Thread`](https://learn.microsoft.com/dotnet/api/system.threading.thread), [`Thread.IsBackground`](https://learn.microsoft.com/dotnet/api/system.threading.thread.isbackground), [`Task`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task), [`Task.WhenAll`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task.whenall), [`Parallel`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.parallel), [`ParallelOptions.MaxDegreeOfParallelism`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.paralleloptions.maxdegreeofparallelism), [`Interlocked`](https://learn.microsoft.com/dotnet/api/system.threading.interlocked)

// %% [markdown]
// [⏪ 04 · 进程池](04-process-pools.ipynb) · [目录 · Contents](00-index.ipynb) · [06 · 线程锁机制 ⏩](06-thread-locks-and-conditions.ipynb)

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
