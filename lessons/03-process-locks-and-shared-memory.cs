// Generated from notebooks/03-process-locks-and-shared-memory.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/03-process-locks-and-shared-memory.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/03-process-locks-and-shared-memory.cs

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
// [← 02 · 进程间的通信](02-inter-process-communication.ipynb) · [目录 · Contents](00-index.ipynb) · [04 · 进程池 →](04-process-pools.ipynb)
//
// # 03 · 进程的锁机制 · Process locks and shared memory
//
// Processes do not share variables, but they can share **memory** on purpose: `multiprocessing.Value` and `Array` live in a block of memory mapped into every process that receives them. Two processes updating the same number can then lose each other's updates, and a `Lock` passed to both cures it. This notebook runs the note's `job`/`multicore` example, first without the lock, to count the lost updates, and then with it.
//
// What differs in .NET:
// - `Value<T>` and `Array<T>` are typed (`Value<int>` is Python's `Value('i')`). Python's `v.value` is `v.Get()` and `v.Set(x)`, because C# does not allow a member named like its type. That makes visible what `v.value += 1` hides: **a read, then a write**.
// - The shared memory is a file in `/dev/shm` on Linux, and the lock a POSIX named semaphore, both what CPython uses. The helpers remove them when they are disposed, or when their process dies.
// - The race here is between **processes**, so CPython's global interpreter lock (GIL) plays no part: each process has its own interpreter and its own GIL. Threads of one process race in the same way, in .NET and in Python alike: [the section on the race](#gil) says why the GIL does not prevent it, and [notebook 06](06-thread-locks-and-conditions.ipynb) shows a race between threads.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Share memory between processes on purpose with `mp.Value<T>` and `mp.Array<T>`.
// - See and count the updates lost when two processes do `v.Set(v.Get() + 1)` at the same time without a lock, and know why a GIL would not prevent it between threads either.
// - Cure the race with `mp.Lock` (`Acquire`/`Release`, or `using (l.EnterScope())` for Python's `with l:`), and meet its reentrant version `mp.RLock`.
// - See why a race is a matter of timing. Going deeper (optional): how the losses vary with the work, and what happens to the waiters when a lock's holder dies.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

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
// Each child holds the lock for all five of its additions, so the other child cannot come between a read and a write: the result is 20 whatever the timing, and no race is possible here. The next section takes the lock away, to show the race it prevents.
//
// ## Without the lock · 不加锁会怎样
//
// Each child adds 1 to the shared value `times` times. With two children the result should be `2 × times`. Between one child's `Get()` and its `Set()`, the other child can write, and that write is then overwritten: an update is lost. Python's `v.value += 1` is the same read and write: a `Value`'s own lock is taken for the read and again for the write, never around the pair, which is why the Python documentation warns that `+=` on a shared value is not atomic.
//
// A race needs both children adding **at the same time**. A .NET child can finish a few additions before the second child has even started, because starting a process takes much longer ([notebook 01](01-process-creation.ipynb) measures it). So each child adds many times, and both first wait at a `Barrier` (Python's `mp.Barrier(2)`) and then start together.

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
const int Times = 5_000_000;   // each child adds for a tenth of a second or so: long enough for the two to overlap
var unlocked = RunTwo(Times, locked: false);
display($"without the lock: expected {2 * Times:N0}, got {unlocked:N0}, lost {2 * Times - unlocked:N0} updates ({100.0 * (2 * Times - unlocked) / (2 * Times):F1} %)");

// %% [markdown]
// <a id="gil"></a>
// Run the cell again: the number can change from run to run, because an update is lost only when one child writes between the other's `Get()` and `Set()`, and that depends on how the two processes happen to be scheduled. On a single core the children never run at the same instant: an update is lost only when the scheduler switches from one child to the other between a `Get()` and its `Set()`, so few or none are lost. That is why races are hard to find by testing: a test that passes once proves little.
//
// **And the GIL?** It plays no part here: these are two processes, each with its own interpreter and, in CPython, its own GIL. Inside one process it would not prevent the race either. The GIL lets one thread at a time run Python bytecode, which keeps the interpreter's own state safe (reference counts, the insides of built-in objects such as `dict`); it does not make your read-modify-write one step. `x += 1` is several bytecodes (load `x`, add, store `x`), and a thread switch can fall between them. On recent CPythons such a switch is rare, but nothing guarantees it, which is why `threading.Lock` exists. And free-threaded CPython (the `3.13t` and `3.14t` builds, [PEP 703](https://peps.python.org/pep-0703/), officially supported since Python 3.14 by [PEP 779](https://peps.python.org/pep-0779/)) has no GIL at all.

// %% [markdown]
// <a id="with-the-lock"></a>
// ## With the lock · 加锁之后
//
// The same work under the lock. The result is always exact; the price is that the two children now take turns (exercise 03.2 asks what that costs on this machine).
//
// `mp.RLock` is the reentrant version of `mp.Lock`: the process that holds it can acquire it again (and releases it as many times), as with Python's `multiprocessing.RLock`.

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var locked = RunTwo(Times, locked: true);
display($"with the lock: expected {2 * Times:N0}, got {locked:N0} in {clock.Elapsed.TotalSeconds:F1} s");

// %% [markdown]
// ### Who held the lock when · 谁在什么时候持锁
//
// A timeline shows the difference. While a `Timeline` records, every process writes down what it does, on one clock that all of them share, and a `Lock` notes each wait and each hold. Each child does the same 5,000,000 additions as above, in 20 rounds of 250,000, taking the lock once per round when `locked` is true; `Timeline.Mark` names each round on the chart:

// %%
void AddInRounds(mp.Value<int> v, int rounds, int perRound, mp.Barrier start, mp.Lock l, bool locked)
{
    start.Wait();
    for (var r = 0; r < rounds; r++)
    {
        if (locked) l.Acquire();
        using (Timeline.Mark($"{perRound:N0} additions"))
            for (var i = 0; i < perRound; i++)
                v.Set(v.Get() + 1);
        if (locked) l.Release();
    }
}

// %% [markdown]
// `Race` runs the two children on a fresh `Value` while a timeline records, and returns the timeline and the updates lost:

// %%
(Timeline Timeline, int Lost) Race(bool locked, int rounds = 20, int perRound = 250_000)
{
    using var shared = new mp.Value<int>(0);
    using var guard = new mp.Lock();
    using var start = new mp.Barrier(2);
    var timeline = Timeline.Start();
    var children = Enumerable.Range(1, 2)
        .Select(i => new Process(AddInRounds, shared, rounds, perRound, start, guard, locked) { Name = $"child {i}" })
        .ToList();
    children.ForEach(c => c.Start());
    children.ForEach(c => c.Join());
    timeline.Stop();
    return (timeline, 2 * rounds * perRound - shared.Get());
}

var racing = Race(locked: false);
display(racing.Timeline.ToChart("Without the lock: each child's rounds of additions", s => s.Kind == TimelineKind.Mark));

// %% [markdown]
// Each row is a child, each bar a round of additions. Where the bars of the two rows overlap in time, both children were inside a round at once: they ran at the same instant if each had a CPU, and that is when updates are lost. Now with the lock: a wide bar is a hold of the lock, a thin one a child waiting for it:

// %%
var turns = Race(locked: true);
display(turns.Timeline.ToChart("With the lock: holds and waits", s => s.Kind == TimelineKind.Lock));

// %% [markdown]
// What the two timelines show, computed from their bars:

// %%
var adding = racing.Timeline.AtOnce(s => s.Kind == TimelineKind.Mark, atLeast: 1);
var both = racing.Timeline.AtOnce(s => s.Kind == TimelineKind.Mark);
Console.WriteLine($"Without the lock: both children were inside a round for {both:N1} ms of the {adding:N1} ms that either was ({both / adding:P0}), and {racing.Lost:N0} of {2 * 20 * 250_000:N0} updates were lost." +
                  (both > 0.3 * adding && racing.Lost == 0 ? " Overlapping bars and no lost update: the machine ran one child at a time, switching between them." : ""));

var holds = turns.Timeline.Spans.Where(s => s.Kind == TimelineKind.Lock && !s.Wait).OrderBy(s => s.Start).ToList();
var waits = turns.Timeline.Spans.Where(s => s.Kind == TimelineKind.Lock && s.Wait).ToList();
var handovers = holds.Zip(holds.Skip(1)).Count(pair => pair.First.Lane != pair.Second.Lane);
string HowOften(int n) => n == 1 ? "once" : $"{n} times";
Console.WriteLine($"With the lock: {holds.Count} holds, by both children at once for {turns.Timeline.AtOnce(s => s.Kind == TimelineKind.Lock && !s.Wait):N1} ms; " +
                  $"a child waited for the lock {HowOften(waits.Count)}, {waits.Sum(w => w.Duration):N1} ms in all; the lock changed hands {HowOften(handovers)}; {turns.Lost:N0} updates were lost.");

// %% [markdown]
// With the lock, the holds never overlap, whatever the machine: that is what a lock guarantees, and the waits are its price. It does not promise turns: a child that releases the lock and asks for it again at once often gets it back before the waiting child wakes up, so the lock can change hands far fewer times than it is taken. Python says the same of its locks: when several wait, which one proceeds "is not defined" (the `threading.Lock` documentation, which `multiprocessing.Lock` follows).

// %% [markdown]
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
// Release what this notebook has created so far (the optional parts below create and release their own). `Dispose()` removes each object's shared memory and semaphores at once; without it they stay until the kernel ends, because the resource tracker removes them only then (also after a crash, or when Jupyter or VS Code kills the kernel). `mp.Mp.SharedObjects()` asks the helpers what this process still holds, on any platform, so the cell checks its own work:

// %%
foreach (var d in new IDisposable[] { l, v, numbers }) d.Dispose();
var left = mp.Mp.SharedObjects();
display(left.Count == 0
    ? (object)"Nothing is left: every lock, value, array and barrier created so far has released its shared memory and semaphores."
    : left);

// %% [markdown]
// ## 深入 · Going deeper
//
// *Optional: this section does not fit in a 45-minute class beside the exercises, and the exercises do not need it; skip to 练习 · Exercises if time is short.* It has two parts: how the number of lost updates varies with the work and from run to run (a measurement that starts 40 child processes), and what happens to the waiters of a lock whose holder dies.

// %% [markdown]
// ### Lost updates against work · 丢失的更新与工作量
//
// How many updates are lost as each child does more additions? The unlocked run above was a single draw. Here the same job runs at several sizes, the largest being that run's 5,000,000 additions per child, five times each with two unlocked children, the sizes interleaved (each round visits every size in a different order, so a burst of other work on the machine does not hit one size only). The chart shows the median and, as a bar, the range of the five runs; the sentences under it compare them with the single run. Only unlocked runs are measured: locked runs lose nothing.

// %%
var sizes = new[] { 10_000, 100_000, 1_000_000, Times };
var lost = Trials.Interleaved(sizes, n => 2 * n - RunTwo(n, locked: false), rounds: 5);
display(lost.Select(m => ((double)m.Input, m.Result)).ToChart("median of 5 runs (bar: min–max)",
    $"Two processes, v.Set(v.Get() + 1) without a lock ({CpuCount()} CPUs)", "additions per process", "updates lost", logX: true));

// %% [markdown]
// What this run shows, computed from the figures above:

// %%
display(LostUpdates.Of(2, "process", lost).Reading(oneRun: (Times, 2 * Times - unlocked)));

// %% [markdown]
// ### A lock whose holder died · 持锁进程崩溃
//
// In CPython, if a process is killed while it holds a `Lock`, every process that waits for that lock without a timeout waits forever. The helpers record which process holds a lock; a waiter notices within about 0.1 s that the holder is gone, frees the lock, and raises `AbandonedLockException`. The data the lock protected may be half-updated, so the waiter is told rather than silently given the lock.

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
catch (mp.AbandonedLockException e) { Console.WriteLine(e.Message); }
Console.WriteLine($"now: Acquire() = {shared.Acquire(timeout: 1)}");
shared.Release();
shared.Dispose();                            // this part releases its own lock

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.

// %% [markdown]
// ### 03.1 · No lost update · 用锁消除丢失的更新
//
// *Practises:* protecting a read-then-write with the lock that comes with a `Value` (`v.GetLock()`), in every process that writes.
//
// Write `AddUnderLock(v, times, start)`, the locked twin of `AddUnlocked` above: wait at the barrier, then add 1 to `v` `times` times, each addition under `v.GetLock()` (an `RLock`, as the default lock of Python's `Value` is a recursive one). The check runs it in two children at once and expects no update lost.
//
// <details><summary>Hint · 提示</summary>
//
// Look at `AddLocked` above, and at `v.GetLock()`, Python's `v.get_lock()`. Which steps must be inside the lock: the write alone, or the read too? What can the other process do between your read and your write?
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
// Write `TimeBoth(n)`: run two children of `AddUnlocked` on a fresh `Value`, then two of your `AddUnderLock` on another, `n` additions each, and return both totals and both times in seconds (from before the first `Start()` to after the last `Join()`). Dispose of everything you create. The check verifies the totals and then reads the times: what the lock cost on this machine, or that this run cannot tell. The times are reported, never judged, because they depend on the machine.
//
// <details><summary>Hint · 提示</summary>
//
// `RunTwo` above is a model for one pair. What must be fresh for each pair, and how do you make sure it is disposed? Where do you start the `Stopwatch` and read its `Elapsed.TotalSeconds`, so that the time covers starting and joining both children? Both pairs do the same except for the function the children run: could one local function that takes it as a `Delegate` serve both?
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
// The check runs your comparison once and verifies both totals. Then it calls `TimeBoth(0)`: two pairs that start, wait at the barrier and add nothing, which shows what starting the children costs on its own. A difference between your two times counts only if it is larger than the start-up noise, taken as the larger of the gap between those two idle pairs and a fifth of their time; otherwise the check says it cannot tell:

// %%
display(Exercise.Check("03.2", "TimeBoth(n) returns an unlocked total of at most 2·n, a locked total of exactly 2·n, and both times in seconds", () =>
{
    const int n = 5_000_000;   // enough additions to outweigh starting the children
    var r = TimeBoth(n);
    if (r.Locked != 2 * n || r.Unlocked > 2 * n || r.Unlocked <= 0)
        return Verdict.Fail($"with {n:N0} additions per child, expected a locked total of exactly {2 * n:N0} and an unlocked one above 0 and at most that; got locked {r.Locked:N0}, unlocked {r.Unlocked:N0}.");
    if (!(r.UnlockedSeconds > 0 && r.LockedSeconds > 0))
        return Verdict.Fail($"expected both times in seconds, above 0; got {r.UnlockedSeconds} and {r.LockedSeconds}.");
    // The same two pairs with no additions: what starting the children costs, and how much it varies.
    var idle = TimeBoth(0);
    var startUp = Math.Max(idle.UnlockedSeconds, idle.LockedSeconds);
    var noise = Math.Max(Math.Abs(idle.LockedSeconds - idle.UnlockedSeconds), startUp / 5);
    var extra = r.LockedSeconds - r.UnlockedSeconds;
    var missed = 2 * n - r.Unlocked;
    var overlap = missed > 0
        ? $"The unlocked pair lost {missed:N0} updates, so its children's additions overlapped."
        : "The unlocked pair lost no update, a sign that its children hardly added at the same time: the locked pair may have had no one to take turns with.";
    var mostlyStartUp = startUp > Math.Min(r.UnlockedSeconds, r.LockedSeconds) / 2;
    var cost = Math.Abs(extra) <= noise
        ? $"Cannot tell what the lock cost: the two times differ by {Math.Abs(extra):F2} s, within the start-up noise of {noise:F2} s (two pairs with no additions took {idle.UnlockedSeconds:F2} s and {idle.LockedSeconds:F2} s)"
          + (mostlyStartUp
              ? ", so most of each time is starting processes. Call TimeBoth with a larger n in a cell of your own, so that the additions outweigh the start-up."
              : ". The lock's cost, if any, was smaller than that noise; a larger n, in a cell of your own, can make it stand out.")
        : extra > 0
            ? $"The locked pair took {extra:F2} s longer, more than the start-up noise of {noise:F2} s: about {extra * 1e9 / (2.0 * n):N0} ns of wall time per locked addition, spent acquiring and releasing the lock{(missed > 0 ? " and waiting while the other child held it" : "")}."
            : $"The unlocked pair was the slower, by {-extra:F2} s, more than the start-up noise of {noise:F2} s: something else slowed it (other programs, or a slow start), so this run says nothing about the lock. Run the check again.";
    return Verdict.Pass($"locked: {r.Locked:N0}, exact, in {r.LockedSeconds:F2} s; unlocked: {r.Unlocked:N0} ({missed:N0} lost) in {r.UnlockedSeconds:F2} s. {overlap} {cost}");
}, timeout: 120));

// %% [markdown]
// ## 小结 · Summary
//
// - `mp.Value<T>` and `mp.Array<T>` live in shared memory, mapped into every process that receives them: what a child writes, the parent reads.
// - `v.Set(v.Get() + 1)` is a read and then a write: another process can write in between, and its update is lost. The unlocked run counted the lost updates; the optional chart shows how the count varies with the work and from run to run.
// - A race shows only when the processes really overlap, which is why the children start together at a barrier, and why a test that passes once proves little.
// - The GIL plays no part between processes (each has its own), and even between threads it protects the interpreter's own state, not your `x += 1`: Python threads need `threading.Lock` as .NET threads need a lock. Free-threaded CPython (3.13t, 3.14t) has no GIL at all.
// - Under `mp.Lock` the result is exact, and the processes take turns; `mp.RLock` is the reentrant version, which its holder can acquire again. A `Value`'s own lock, `GetLock()` (Python's `get_lock()`), is such an `RLock`.
// - When a lock's holder dies, the helpers raise `AbandonedLockException` in the waiter where CPython would leave it waiting forever (optional part). `Dispose()` and the resource tracker remove the shared objects from `/dev/shm`.
//
// **Documentation**
// - Python: [`multiprocessing.Value`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Value) (with its note on `+=` and `get_lock()`), [`multiprocessing.Array`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Array), [`multiprocessing.Lock`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Lock), [`multiprocessing.RLock`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.RLock), [`multiprocessing.Barrier`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Barrier), [global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock), [free-threaded CPython](https://docs.python.org/3/howto/free-threading-python.html)
// - .NET: [`IDisposable`](https://learn.microsoft.com/dotnet/api/system.idisposable), [`Thread.Sleep`](https://learn.microsoft.com/dotnet/api/system.threading.thread.sleep), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch)

// %% [markdown]
// [← 02 · 进程间的通信](02-inter-process-communication.ipynb) · [目录 · Contents](00-index.ipynb) · [04 · 进程池 →](04-process-pools.ipynb)
