// Generated from notebooks/03-process-locks-and-shared-memory.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/03-process-locks-and-shared-memory.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/03-process-locks-and-shared-memory.cs

// %% [raw]
#:project ../Helpers.csproj

// %%
// The notebook's using directives, all here: C# takes them only before the first statement.
using Helpers.Multiprocessing;
#pragma warning disable CS8981              // lower-case aliases, as Python's module names
using mp = Helpers.Multiprocessing;       // Python's `import multiprocessing as mp`
using System.IO;
using System.Threading;
using static Helpers.Multiprocessing.Mp;   // ActiveChildren(), CpuCount(), CurrentProcess(), ParentProcess()
using XPlot.Plotly;
using Helpers.Measure;
using Helpers.Notebook;
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 02 · 进程间的通信](02-inter-process-communication.ipynb) · [目录 · Contents](00-index.ipynb) · [04 · 进程池 ⏩](04-process-pools.ipynb)
//
// # 03 · 进程的锁机制 · Process locks and shared memory
//
// Processes do not share variables, but they can share **memory** on purpose: `multiprocessing.Value` and `Array` live in a block of memory mapped into every process that receives them. Two processes updating the same number can then lose each other's updates, and a `Lock` passed to both cures it. This notebook runs the note's `job`/`multicore` example, first without the lock, to count the lost updates, and then with it.
//
// What differs in .NET:
// - `Value<T>` and `Array<T>` are typed (`Value<int>` is Python's `Value('i')`). Python's `v.value` is `v.Get()` and `v.Set(x)`, because C# does not allow a member named like its type. That makes visible what `v.value += 1` hides: **a read, then a write**.
// - The shared memory is a file in `/dev/shm` on Linux, and the lock a POSIX named semaphore, both what CPython uses. The helpers remove them when they are disposed, or when their process dies.
// - Without a GIL, threads in one .NET process race in the same way; [notebook 06](06-thread-locks-and-conditions.ipynb) shows it.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Share memory between processes on purpose with `mp.Value<T>` and `mp.Array<T>`.
// - See and count the updates lost when two processes do `v.Set(v.Get() + 1)` at the same time without a lock.
// - Cure the race with `mp.Lock` (`Acquire`/`Release`, or `using (l.EnterScope())` for Python's `with l:`), and meet its reentrant version `mp.RLock`.
// - See why a race is a matter of timing, and what happens to the waiters when a lock's holder dies.

// %% [markdown]
// **Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ## The note's example · 笔记中的例子
//
// Python:
// ```python
// import multiprocessing as mp
//
// def job(v, num, l):
//     l.acquire()              # 上锁
//     for _ in range(5):
//         v.value += num
//     l.release()              # 解锁
//
// def multicore():
//     l = mp.Lock()            # 进程锁
//     v = mp.Value('i', 0)     # 共享内存 Value(type, num)
//     p1 = mp.Process(target=job, args=(v, 1, l))   # the lock is passed as an argument
//     p2 = mp.Process(target=job, args=(v, 3, l))
//     p1.start(); p2.start(); p1.join(); p2.join()
//     print(v.value)           # 20
// ```

// %%
void Job(mp.Value<int> v, int num, mp.Lock l)
{
    l.Acquire();                  // 上锁
    for (var i = 0; i < 5; i++)
        v.Set(v.Get() + num);
    l.Release();                  // 解锁
}

// %%
var l = new mp.Lock();
var v = new mp.Value<int>(0);
var p1 = new Process(Job, v, 1, l);
var p2 = new Process(Job, v, 3, l);
p1.Start(); p2.Start();
p1.Join(); p2.Join();
display($"v = {v.Get()} (5 × 1 + 5 × 3 = 20)");

// %% [markdown]
// Five additions each are too few to show a race: the first child has finished before the second has started. To see one, both must add many times **at the same time**.
//
// ## Without the lock · 不加锁会怎样
//
// Each child adds 1 to the shared value `times` times. With two children the result should be `2 × times`. Between one child's `Get()` and its `Set()`, the other child can write, and that write is then overwritten: an update is lost.
//
// A .NET child can finish all its additions before the second child has even started, because starting a process takes much longer ([notebook 01](01-process-creation.ipynb) measures it). So both children first wait at a `Barrier` (Python's `mp.Barrier(2)`) and then start together.

// %%
void AddUnlocked(mp.Value<int> v, int times, mp.Barrier start)
{
    start.Wait();                 // both children begin together
    for (var i = 0; i < times; i++)
        v.Set(v.Get() + 1);       // read … (the other process may write here) … write
}

void AddLocked(mp.Value<int> v, int times, mp.Barrier start, mp.Lock l)
{
    start.Wait();
    for (var i = 0; i < times; i++)
        using (l.EnterScope())    // Python: with l:
            v.Set(v.Get() + 1);
}

// %% [markdown]
// `RunTwo` runs two children, locked or not, on a fresh `Value`, and returns what the value holds at the end; the `using`s free the value, the lock and the barrier when it returns:

// %%
// Runs two children on one fresh Value and returns what it holds at the end.
int RunTwo(int times, bool locked)
{
    using var shared = new mp.Value<int>(0);
    using var guard = new mp.Lock();
    using var start = new mp.Barrier(2);
    var children = Enumerable.Range(0, 2)
        .Select(_ => locked ? new Process(AddLocked, shared, times, start, guard) : new Process(AddUnlocked, shared, times, start))
        .ToList();
    children.ForEach(c => c.Start());
    children.ForEach(c => c.Join());
    return shared.Get();
}

// %%
const int Times = 1_000_000;
var unlocked = RunTwo(Times, locked: false);
display($"without the lock: expected {2 * Times:N0}, got {unlocked:N0}, lost {2 * Times - unlocked:N0} updates ({100.0 * (2 * Times - unlocked) / (2 * Times):F1} %)");

// %% [markdown]
// The exact number changes from run to run, and on a machine with a single core it can be zero, because there the two children rarely run at the same instant. That is why races are hard to find by testing.

// %% [markdown]
// <a id="with-the-lock"></a>
// ## With the lock · 加锁之后
//
// The same work under the lock. The result is always exact; the price is that the two children now take turns.
//
// `mp.RLock` is the reentrant version of `mp.Lock`: the process that holds it can acquire it again (and releases it as many times), as with Python's `multiprocessing.RLock`.

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var locked = RunTwo(Times, locked: true);
display($"with the lock: expected {2 * Times:N0}, got {locked:N0} in {clock.Elapsed.TotalSeconds:F1} s");

// %% [markdown]
// ## Lost updates against work · 丢失的更新与工作量
//
// How many updates are lost as each child does more additions? Each amount of work is measured three times with two unlocked children, the sizes interleaved (each round visits every size in a different order, so a burst of other work on the machine does not hit one size only). The chart shows the median and, as a bar, the range of the three runs. Only unlocked runs are measured: locked runs lose nothing.

// %%
var sizes = new[] { 1_000, 10_000, 50_000, 100_000, 250_000, 500_000, 1_000_000 };
var lost = Trials.Interleaved(sizes, n => 2 * n - RunTwo(n, locked: false), rounds: 3);
display(lost.Select(m => ((double)m.Input, m.Result)).ToChart("median of 3 runs (bar: min–max)",
    $"Two processes, v.Set(v.Get() + 1) without a lock ({CpuCount()} CPUs)", "additions per process", "updates lost", logX: true));

// %% [markdown]
// What this run shows, computed from the figures above:

// %%
var quiet = lost.TakeWhile(m => m.Result.Median == 0).ToList();
var firstLoss = lost.FirstOrDefault(m => m.Result.Median > 0);
var largest = lost[^1];
var uneven = lost.Where(m => m.Input > firstLoss.Input && m.Result.Median == 0).Select(m => $"{m.Input:N0}").ToList();
display(firstLoss.Result is null
    ? "No update was lost in this run, at any size: the two children never ran at the same instant (a single CPU, or other programs took the cores). Rerun the cell; on a machine with two free cores, updates are lost."
    : (quiet.Count > 0 ? $"Up to {quiet[^1].Input:N0} additions per child the median run lost no update: with so little work, one child can finish before the other has woken from the barrier. " : "")
      + $"At {firstLoss.Input:N0} additions the median run lost {firstLoss.Result.Median:N0} updates"
      + (firstLoss.Input == largest.Input ? "" : $"; at {largest.Input:N0}, {largest.Result.Median:N0}")
      + $", with runs from {largest.Result.Min:N0} to {largest.Result.Max:N0} at {largest.Input:N0}. "
      + "The three runs of a size differ because whether an update is lost depends on how the processes happen to interleave."
      + (uneven.Count > 0 ? $" Yet at {string.Join(" and ", uneven)} additions the median run lost nothing: the children overlapped only part of the time, most likely because other programs took the cores. Rerun the cell when the machine is quieter to see the pattern." : ""));

// %% [markdown]
// A race is a matter of timing, which is why a test that passes once proves little.
//
// ## Value and Array · 共享的数值与数组
//
// `Array<T>` is a fixed-length array in shared memory (Python's `Array('d', 5)` is `new mp.Array<double>(5)`), zero-filled, with indexing, slices and a lock of its own (`GetLock()`, as `Value`). A child writes, and the parent reads the same memory:

// %%
void Fill(mp.Array<double> a, double step)
{
    for (var i = 0; i < a.Count; i++)
        a[i] = i * step;
}

// %%
var numbers = new mp.Array<double>(5);
Console.WriteLine($"before: {numbers}");
var filler = new Process(Fill, numbers, 0.5);
filler.Start();
filler.Join();
Console.WriteLine($"after:  {numbers}");
Console.WriteLine($"numbers[1..3] = [{string.Join(", ", numbers[1..3])}], numbers[^1] = {numbers[^1]}");

// %% [markdown]
// ## A lock whose holder died · 持锁进程崩溃
//
// In CPython, if a process is killed while it holds a `Lock`, every process that waits for that lock waits forever. The helpers record which process holds a lock; a waiter notices within about 0.1 s that the holder is gone, frees the lock, and raises `AbandonedLockException`. The data the lock protected may be half-updated, so the waiter is told rather than silently given the lock.

// %%
void HoldAndHang(mp.Lock l)
{
    l.Acquire();
    Thread.Sleep(Timeout.Infinite);
}

// %%
var shared = new mp.Lock();
var holder = new Process(HoldAndHang, shared);
holder.Start();
while (!shared.IsLocked) Thread.Sleep(10);   // until the child holds it
holder.Kill();
holder.Join();
try { shared.Acquire(timeout: 10); }
catch (AbandonedLockException e) { Console.WriteLine(e.Message); }
Console.WriteLine($"now: Acquire() = {shared.Acquire(timeout: 1)}");
shared.Release();

// %% [markdown]
// Finally, release everything created here. `Dispose()` removes each object's shared memory and semaphores at once; without it they stay until the kernel ends, because the resource tracker removes them only then (also after a crash, or when Jupyter or VS Code kills the kernel). `mp.Mp.SharedObjects()` asks the helpers what this process still holds, on any platform, so the cell checks its own work:

// %%
foreach (var d in new IDisposable[] { l, v, numbers, shared }) d.Dispose();
var left = mp.Mp.SharedObjects();
display(left.Count == 0
    ? (object)"Nothing is left: every lock, value, array and barrier of this notebook has released its shared memory and semaphores."
    : left);

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need one more `using`:

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ### 03.1 · No lost update · 用锁消除丢失的更新
//
// *Practises:* protecting a read-then-write with the lock that comes with a `Value` (`v.GetLock()`), in every process that writes.
//
// Write `AddUnderLock(v, times, start)`, the locked twin of `AddUnlocked` above: wait at the barrier, then add 1 to `v` `times` times, each addition under `v.GetLock()`. The check runs it in two children at once and expects no update lost.
//
// <details><summary>Hint · 提示</summary>
//
// `using (v.GetLock().EnterScope()) v.Set(v.Get() + 1);` is Python's `with v.get_lock(): v.value += 1`. The read and the write must both be inside the lock: a lock around the write alone still loses updates, because the other process can write between your read and your write.
// </details>

// %%
// Run by each child: after the barrier, adds 1 to v `times` times, each under v's own lock.
void AddUnderLock(mp.Value<int> v, int times, mp.Barrier start)
{
    // BEGIN SOLUTION
    start.Wait();
    for (var i = 0; i < times; i++)
        using (v.GetLock().EnterScope())
            v.Set(v.Get() + 1);
    // END SOLUTION
}

// %% [markdown]
// The check calls your function here first, then runs it in two children that start together, as the unlocked run above did:

// %%
display(Exercise.Check("03.1", "two children of AddUnderLock, n additions each, leave exactly 2·n in the Value", () =>
{
    using var total = new mp.Value<int>(0);
    using (var alone = new mp.Barrier(1)) AddUnderLock(total, 10, alone);           // first here, 10 additions
    if (total.Get() != 10) return Verdict.Fail($"called here with times = 10 on a Value holding 0, AddUnderLock left {total.Get()}; expected 10.");
    total.Set(0);
    const int n = 200_000;
    using var start = new mp.Barrier(2);
    var children = Enumerable.Range(0, 2).Select(_ => new Process(AddUnderLock, total, n, start)).ToList();
    children.ForEach(c => c.Start());
    children.ForEach(c => c.Join(timeout: 40));
    return total.Get() == 2 * n
        ? Verdict.Pass($"two children, {n:N0} additions each, at the same time: the Value holds {total.Get():N0}, no update lost.")
        : Verdict.Fail($"two children, {n:N0} additions each, left {total.Get():N0}; expected {2 * n:N0} ({2 * n - total.Get():N0} lost). Are the read and the write both inside the lock?");
}, timeout: 90));

// %% [markdown]
// ### 03.2 · What the lock costs · 锁的代价
//
// *Practises:* measuring both versions of the same work in one run, and reading the price of correctness from your own figures.
//
// Write `TimeBoth(n)`: run two children of `AddUnlocked` on a fresh `Value`, then two of your `AddUnderLock` on another, `n` additions each, and return both totals and both times in seconds (from before the first `Start()` to after the last `Join()`). Dispose of everything you create. The check verifies the totals and then says what the lock cost on this machine; the times are reported, never judged, because they depend on the machine.
//
// <details><summary>Hint · 提示</summary>
//
// A local function keeps it short: `(int Total, double Seconds) Run(Delegate add)` creates a `Value` and a `Barrier(2)` with `using`, starts `new Process(add, v, n, start)` twice, joins both and returns `(v.Get(), clock.Elapsed.TotalSeconds)`; `RunTwo` above is a model. Why the lock costs: the children now take turns, and each hand-over of the lock goes through shared memory and often wakes the other process.
// </details>

// %%
// Two children unlocked, then two locked, n additions each: the totals and the seconds each pair took.
(int Unlocked, double UnlockedSeconds, int Locked, double LockedSeconds) TimeBoth(int n)
{
    // BEGIN SOLUTION
    (int Total, double Seconds) Run(Delegate add)
    {
        using var shared = new mp.Value<int>(0);
        using var start = new mp.Barrier(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pair = new[] { new Process(add, shared, n, start), new Process(add, shared, n, start) };
        foreach (var child in pair) child.Start();
        foreach (var child in pair) child.Join();
        return (shared.Get(), clock.Elapsed.TotalSeconds);
    }
    var (unlocked, unlockedSeconds) = Run(AddUnlocked);
    var (locked, lockedSeconds) = Run(AddUnderLock);
    return (unlocked, unlockedSeconds, locked, lockedSeconds);
    // END SOLUTION
}

// %% [markdown]
// The check runs your comparison once, verifies both totals, and reads the times:

// %%
display(Exercise.Check("03.2", "TimeBoth(n) returns an unlocked total of at most 2·n, a locked total of exactly 2·n, and both times in seconds", () =>
{
    const int n = 500_000;
    var r = TimeBoth(n);
    if (r.Locked != 2 * n || r.Unlocked > 2 * n || r.Unlocked <= 0)
        return Verdict.Fail($"with {n:N0} additions per child, expected a locked total of exactly {2 * n:N0} and an unlocked one above 0 and at most that; got locked {r.Locked:N0}, unlocked {r.Unlocked:N0}.");
    if (!(r.UnlockedSeconds > 0 && r.LockedSeconds > 0))
        return Verdict.Fail($"expected both times in seconds, above 0; got {r.UnlockedSeconds} and {r.LockedSeconds}.");
    var cost = r.LockedSeconds > r.UnlockedSeconds
        ? $"Here the lock made the same work {r.LockedSeconds / r.UnlockedSeconds:F1}× as slow: the children take turns, and each hand-over goes through shared memory."
        : "Here the locked pair was not slower: other work slowed the unlocked pair, or the children's start-up outweighed the additions. Rerun the check.";
    return Verdict.Pass($"locked: {r.Locked:N0}, exact, in {r.LockedSeconds:F2} s; unlocked: {r.Unlocked:N0} ({2 * n - r.Unlocked:N0} lost) in {r.UnlockedSeconds:F2} s. {cost}");
}, timeout: 120));

// %% [markdown]
// ## 小结 · Summary
//
// - `mp.Value<T>` and `mp.Array<T>` live in shared memory, mapped into every process that receives them: what a child writes, the parent reads.
// - `v.Set(v.Get() + 1)` is a read and then a write: another process can write in between, and its update is lost. The unlocked run counted the lost updates, and the chart above shows how many were lost at each amount of work, run by run.
// - A race shows only when the processes really overlap, which is why the children start together at a barrier, and why a test that passes once proves little.
// - Under `mp.Lock` the result is exact, and the processes take turns; `mp.RLock` is the reentrant version, which its holder can acquire again.
// - When a lock's holder dies, the helpers raise `AbandonedLockException` in the waiter where CPython would leave it waiting forever. `Dispose()` and the resource tracker remove the shared objects from `/dev/shm`.
//
// **Documentation**
// - Python: [`multiprocessing.Value`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Value), [`multiprocessing.Array`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Array), [`multiprocessing.Lock`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Lock), [`multiprocessing.RLock`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.RLock), [`multiprocessing.Barrier`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Barrier)
// - .NET: [`IDisposable`](https://learn.microsoft.com/dotnet/api/system.idisposable), [`Thread.Sleep`](https://learn.microsoft.com/dotnet/api/system.threading.thread.sleep), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch)

// %% [markdown]
// [⏪ 02 · 进程间的通信](02-inter-process-communication.ipynb) · [目录 · Contents](00-index.ipynb) · [04 · 进程池 ⏩](04-process-pools.ipynb)
