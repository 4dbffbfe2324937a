// Generated from notebooks/06-thread-locks-and-conditions.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/06-thread-locks-and-conditions.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/06-thread-locks-and-conditions.cs

// %% [raw]
#:project ../Helpers.csproj

// %%
// The notebook's using directives, all here: C# takes them only before the first statement.
#pragma warning disable CS8981              // lower-case aliases, as Python's module names
using threading = Helpers.Threading;      // Python's `import threading`
using mp = Helpers.Multiprocessing;       // Python's `import multiprocessing as mp`
using static Helpers.Multiprocessing.Mp;   // CpuCount()
using System.Threading;
using XPlot.Plotly;
using Helpers.Measure;
using Helpers.Notebook;
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 05 · 线程的创建](05-creating-threads.ipynb) · [目录 · Contents](00-index.ipynb) · [07 · 从一台机器到多台 ⏩](07-beyond-one-machine.ipynb)
//
// # 06 · 线程锁机制 · Thread locks and conditions
//
// Threads share memory, so two of them can update the same variable at the same moment and lose an update, as the processes of [notebook 03](03-process-locks-and-shared-memory.ipynb) did through shared memory. The note's section shows `threading.Lock` (and `RLock` for nesting), the `if lock.acquire(1): ... lock.release()` pattern, and a condition with `wait`, `wait_for` and `notify`. This notebook shows the race and its cures, which locks are reentrant, why the scoped form is safer, a producer/consumer on a condition, the other primitives, and a deadlock found with timeouts.
//
// What differs in .NET: there is no GIL, so the race appears with the plainest code (`counter++`) and on every run that overlaps. C# has a `lock` statement, which is Python's `with lock:`, and `Interlocked` for single atomic updates.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Watch threads lose updates on `counter++`, and cure the race with `lock` and `Interlocked`.
// - Tell reentrant locks (`lock`/`Monitor`, `System.Threading.Lock`, Python's `RLock`) from non-reentrant ones (`SemaphoreSlim`, Python's `Lock`).
// - Replace the note's `if lock.acquire(1): ... lock.release()` with a scoped form, or with `Monitor.TryEnter` and `try`/`finally`.
// - Build a bounded buffer on a condition with `WaitFor` and `NotifyAll`, and use a semaphore, an event and a barrier.
// - Detect a deadlock with timeouts, and prevent it with a lock order.

// %% [markdown]
// **Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ## The race · 竞争
//
// Four threads each add 1 to a shared counter a million times. `counter++` is three steps (read, add, write), and between the read and the write another thread can write its own result, which is then overwritten.

// %%
// Runs `threads` threads that each call `add` `times` times, all starting together; returns the counter.
long Race(int threads, int times, Action<Box> add)
{
    var box = new Box();
    using var start = new Barrier(threads);
    var workers = Enumerable.Range(0, threads).Select(_ => new threading.Thread(() =>
    {
        start.SignalAndWait();
        for (var i = 0; i < times; i++) add(box);
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    return box.Counter;
}
// class Box: at the end of this file, where C# takes types.

// %%
const int Threads = 4, Times = 1_000_000;
var unsafeResult = Race(Threads, Times, b => b.Counter++);
display(Threads * Times > unsafeResult
    ? $"counter++ without a lock: expected {Threads * Times:N0}, got {unsafeResult:N0}: {Threads * Times - unsafeResult:N0} updates lost"
    : $"counter++ without a lock: expected {Threads * Times:N0} and got all of them: in this run the threads never ran at the same instant (most likely other programs took the cores). Rerun the cell.");

// %% [markdown]
// Two cures. `lock (gate) { ... }` lets one thread at a time into the block. `Interlocked.Increment(ref counter)` makes the read-add-write one indivisible CPU instruction, with no lock to take, but it covers only that single update. Both are always exact; the cell also prints how long each took:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var withLock = Race(Threads, Times, b => { lock (b.Gate) b.Counter++; });
var lockTime = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var withInterlocked = Race(Threads, Times, b => Interlocked.Increment(ref b.Counter));
var interlockedTime = clock.Elapsed.TotalMilliseconds;
display($"lock: {withLock:N0} in {lockTime:F0} ms;  Interlocked: {withInterlocked:N0} in {interlockedTime:F0} ms");

// %% [markdown]
// How many updates are lost at each amount of work, without a lock? Each count of additions per thread is measured three times, the counts interleaved so that a burst of other work does not hit one count only; the chart shows the median and, as a bar, the range.

// %%
var sizes = new[] { 1_000, 10_000, 100_000, 250_000, 500_000, 1_000_000 };
var lost = Trials.Interleaved(sizes, n => Threads * (double)n - Race(Threads, n, b => b.Counter++), rounds: 3);
display(lost.Select(m => ((double)m.Input, m.Result)).ToChart("median of 3 runs (bar: min–max)",
    $"{Threads} threads, counter++ without a lock ({CpuCount()} CPUs)", "additions per thread", "updates lost", logX: true));

// %% [markdown]
// What this run shows, computed from the figures above:

// %%
var firstLoss = lost.FirstOrDefault(m => m.Result.Median > 0);
var largest = lost[^1];
var uneven = lost.Where(m => m.Input > firstLoss.Input && m.Result.Median == 0).Select(m => $"{m.Input:N0}").ToList();
display(firstLoss.Result is null
    ? $"No update was lost in this run: the {Threads} threads never wrote at the same instant (a single CPU, or other programs took the cores). Rerun the cell."
    : $"The median run first lost updates at {firstLoss.Input:N0} additions per thread (a median of {firstLoss.Result.Median:N0})"
      + (firstLoss.Input == largest.Input ? "" : $"; at {largest.Input:N0}, {largest.Result.Median:N0}")
      + $", with runs from {largest.Result.Min:N0} to {largest.Result.Max:N0} at {largest.Input:N0}. "
      + "With no GIL, counter++ races as soon as two threads run it at the same time."
      + (uneven.Count > 0 ? $" Yet at {string.Join(" and ", uneven)} additions the median run lost nothing: the threads overlapped only part of the time, most likely because other programs took the cores. Rerun the cell when the machine is quieter to see the pattern." : ""));

// %% [markdown]
// ## Lock vs RLock · 可重入锁
//
// A thread that holds a **non-reentrant** lock and tries to take it again waits for itself forever: a deadlock. A **reentrant** lock (Python's `RLock`) counts how many times its holder has taken it, and is free again after as many releases. In .NET:
// - `lock`/`Monitor` and `System.Threading.Lock` are **reentrant**;
// - `SemaphoreSlim(1, 1)` is **not** (a semaphore has no owner);
// - the helpers' process locks: `mp.Lock` is not reentrant, `mp.RLock` is ([notebook 03](03-process-locks-and-shared-memory.ipynb#with-the-lock)).
//
// Shown safely: the second `Wait` has a timeout, so it returns `false` rather than hanging the kernel.

// %%
var semaphore = new SemaphoreSlim(1, 1);
semaphore.Wait();
var again = semaphore.Wait(TimeSpan.FromSeconds(0.5));   // without the timeout: a deadlock
Console.WriteLine($"SemaphoreSlim(1,1), taken again by its holder: {again} (would wait forever)");
semaphore.Release();

var gate = new object();
lock (gate)
{
    lock (gate) Console.WriteLine("lock (Monitor), taken again by its holder: fine (reentrant)");
}

var lck = new System.Threading.Lock();
using (lck.EnterScope())
using (lck.EnterScope())
    Console.WriteLine("System.Threading.Lock, taken again by its holder: fine (reentrant)");

// %% [markdown]
// ## The note's pattern, and the scoped form · acquire(timeout) 与 with
//
// The note writes:
// ```python
// if lock.acquire(1):     # wait at most 1 second
//     pass
// lock.release()          # careful: this runs even when acquire failed
// ```
// As written, `release()` runs even when `acquire` timed out, and releasing a lock one does not hold is an error. Python's safe form is `with lock:`, which releases exactly once, also when the block raises. C# has `lock (gate) { }` for that (or `using (l.EnterScope())`). When a timeout is needed, use `Monitor.TryEnter` with `try`/`finally`:

// %%
var shared = new object();
if (Monitor.TryEnter(shared, TimeSpan.FromSeconds(1)))
{
    try { Console.WriteLine("acquired within 1 s; the finally releases it even if this block throws"); }
    finally { Monitor.Exit(shared); }
}
else Console.WriteLine("not acquired: nothing to release");

try { Monitor.Exit(shared); }   // the note's unconditional release, on a lock not held
catch (SynchronizationLockException e) { Console.WriteLine($"release without acquire: {e.GetType().Name}"); }

// %% [markdown]
// ## 条件锁 · Condition: a bounded buffer
//
// `threading.Condition` pairs a lock with waiting: `wait()` releases the lock and sleeps until `notify()`. `wait_for(predicate)` loops until the predicate holds, which guards against waking for nothing. .NET's `Monitor.Wait`/`Pulse` do the same, without `wait_for`, so the helpers add a thin `threading.Condition` over `Monitor`. Here a producer and two consumers share a buffer that holds at most 3 items:

// %%
var cond = new threading.Condition();
var buffer = new Queue<int>();
const int Capacity = 3, Items = 10;
var consumed = new List<string>();

var producer = new threading.Thread(() =>
{
    for (var i = 0; i < Items; i++)
        using (cond.EnterScope())
        {
            cond.WaitFor(() => buffer.Count < Capacity);   // wait for room
            buffer.Enqueue(i);
            cond.NotifyAll();                              // there is an item
        }
}) { Name = "producer" };

threading.Thread Consumer(string name) => new(() =>
{
    while (true)
        using (cond.EnterScope())
        {
            if (!cond.WaitFor(() => buffer.Count > 0, timeout: 1)) return;   // nothing for a second: done
            consumed.Add($"{name}:{buffer.Dequeue()}");
            cond.NotifyAll();                                                  // there is room
        }
}) { Name = name };

// %% [markdown]
// One producer and two consumers, started together; the consumers stop after a second without items. Every item must come out exactly once:

// %%
var consumers = new[] { Consumer("c1"), Consumer("c2") };
producer.Start();
foreach (var c in consumers) c.Start();
producer.Join();
foreach (var c in consumers) c.Join();
var taken = consumed.Select(x => int.Parse(x.Split(':')[1])).Order();
display((taken.SequenceEqual(Enumerable.Range(0, Items)) ? $"all {Items} items, each exactly once: " : $"NOT each of the {Items} items exactly once: ")
    + string.Join(" ", consumed));

// %% [markdown]
// ## Semaphore, Event, Barrier · 其他同步原语
//
// - A **semaphore** lets at most *n* threads in at once (here 2 of 5).
// - An **event** is a flag that threads wait for (Python's `threading.Event`, .NET's `ManualResetEventSlim`).
// - A **barrier** holds each thread until all have arrived (`threading.Barrier`, .NET's `Barrier`).

// %%
// Raises target to value, atomically: the most threads seen inside at once.
static void InterlockedMax(ref int target, int value)
{
    int seen;
    while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
}

// %% [markdown]
// Five threads wait for the event, pass the semaphore two at a time, and meet at the barrier:

// %%
var two = new SemaphoreSlim(2);
var inside = 0; var most = 0;
var go = new ManualResetEventSlim(false);
var meet = new Barrier(5, _ => Console.WriteLine("barrier: all 5 arrived"));
var team = Enumerable.Range(0, 5).Select(i => new threading.Thread(() =>
{
    go.Wait();                                  // Event: wait for the start signal
    two.Wait();                                 // Semaphore: at most 2 inside
    var now = Interlocked.Increment(ref inside);
    InterlockedMax(ref most, now);
    Thread.Sleep(50);
    Interlocked.Decrement(ref inside);
    two.Release();
    meet.SignalAndWait();                       // Barrier: wait for the others
})).ToList();
team.ForEach(t => t.Start());
go.Set();
team.ForEach(t => t.Join());
Console.WriteLine($"semaphore: at most {most} threads were inside at once");

// %% [markdown]
// ## Deadlock · 死锁
//
// Two threads, two locks, taken in opposite orders: each holds one lock and waits for the other, forever. Here each thread tries the second lock with a timeout (`Monitor.TryEnter`), so the deadlock is *detected* instead of hanging the kernel. The fix is a **lock order**: every thread takes `a` before `b`, so no cycle can form.

// %%
var a = new object();
var b = new object();
var bothHoldOne = new Barrier(2);

string Transfer(object first, object second, bool ordered)
{
    if (ordered && first == b) (first, second) = (second, first);   // the fix: always a, then b
    lock (first)
    {
        if (!ordered) bothHoldOne.SignalAndWait();   // make sure both hold their first lock
        if (!Monitor.TryEnter(second, TimeSpan.FromSeconds(1))) return "gave up after 1 s: deadlock";
        try { return "done"; }
        finally { Monitor.Exit(second); }
    }
}

// %% [markdown]
// Both ways, one after the other: first in opposite orders, where a thread that cannot take its second lock within a second gives up, then with the lock order:

// %%
foreach (var ordered in new[] { false, true })
{
    var results = new string[2];
    var t1 = new threading.Thread(() => results[0] = Transfer(a, b, ordered));
    var t2 = new threading.Thread(() => results[1] = Transfer(b, a, ordered));
    t1.Start(); t2.Start(); t1.Join(); t2.Join();
    Console.WriteLine($"{(ordered ? "with a lock order" : "opposite orders  ")}: thread 1 {results[0]}, thread 2 {results[1]}");
}

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need one more `using`, and exercise 06.1 an account with an id, a balance and a lock object of its own:

// %%
// class Account: at the end of this file, where C# takes types.

// %% [markdown]
// Two functions for the checks: one tells whether another thread holds a lock, the other runs a producer and consumers through any `Put`/`Take` pair, each consumer taking until the stop signal −1:

// %%
bool HeldByAnother(object gate) { if (!Monitor.TryEnter(gate)) return true; Monitor.Exit(gate); return false; }

List<int>[] PassThrough(Action<int> put, Func<int> take, int items, int consumers)
{
    var taken = Enumerable.Range(0, consumers).Select(_ => new List<int>()).ToArray();
    var threads = taken.Select(list => new threading.Thread(() => { for (int x; (x = take()) != -1;) list.Add(x); }) { Daemon = true }).ToList();
    threads.ForEach(t => t.Start());
    for (var i = 0; i < items; i++) put(i);
    for (var i = 0; i < consumers; i++) put(-1);
    threads.ForEach(t => t.Join(timeout: 30));
    return taken;
}

// %% [markdown]
// ### 06.1 · Remove the deadlock · 按顺序加锁
//
// *Practises:* the classic cure for a deadlock: every thread takes the locks it needs in one global order.
//
// Write `Move(from, to, amount)`: under both accounts' locks, take `amount` from `from` and add it to `to`. Two threads will move money in opposite directions many times at once; taking `from`'s lock first would deadlock, as the deadlock section shows, so take the lock of the account with the smaller `Id` first.
//
// <details><summary>Hint · 提示</summary>
//
// `var (first, second) = from.Id < to.Id ? (from, to) : (to, from);` then `lock (first.Gate) lock (second.Gate) { ... }`. A thread that waits for the second lock then always holds the first, and no thread holding the second can be waiting for the first: no circle of waiting can form.
// </details>

// %%
// Moves amount from one account to the other under both locks, the smaller Id's lock first.
void Move(Account from, Account to, long amount)
{
    // BEGIN SOLUTION
    var (first, second) = from.Id < to.Id ? (from, to) : (to, from);
    lock (first.Gate)
        lock (second.Gate)
        {
            from.Balance -= amount;
            to.Balance += amount;
        }
    // END SOLUTION
}

// %% [markdown]
// The check calls `Move` once here; then, holding the larger id's lock, it lets a thread move money from that account and looks for the smaller id's lock taken first; then two threads move money in opposite directions at once:

// %%
display(Exercise.Check("06.1", "Move keeps the total, takes the smaller Id's lock first, and two threads moving in opposite directions finish", () =>
{
    var (one, two) = (new Account(1, 1_000), new Account(2, 1_000));
    Move(one, two, 10);                                                            // first on this thread
    if (one.Balance != 990 || two.Balance != 1_010) return Verdict.Fail($"Move(one, two, 10) from 1 000 each left {one.Balance} and {two.Balance}; expected 990 and 1 010.");
    bool ordered;
    lock (two.Gate) { new threading.Thread(() => Move(two, one, 10)) { Daemon = true }.Start(); ordered = SpinWait.SpinUntil(() => HeldByAnother(one.Gate), 5_000); }
    if (!ordered) return Verdict.Fail("Move(two, one, …) did not take one's lock (the smaller Id) while two's was taken: it waits for the larger Id's lock first.");
    using var start = new Barrier(2);
    var movers = new[] { (one, two), (two, one) }.Select(p => new threading.Thread(() => { start.SignalAndWait(); for (var i = 0; i < 100_000; i++) Move(p.Item1, p.Item2, 1); }) { Daemon = true }).ToList();
    movers.ForEach(m => m.Start());
    movers.ForEach(m => m.Join(timeout: 30));
    if (movers.Any(m => m.IsAlive)) return Verdict.Fail("the two threads moving in opposite directions had not finished after 30 s: a deadlock.");
    return one.Balance + two.Balance == 2_000
        ? Verdict.Pass($"the smaller Id's lock is taken first, and two threads made 100 000 moves each in opposite directions without a deadlock; balances {one.Balance} and {two.Balance}, total 2 000.")
        : Verdict.Fail($"after the moves the balances are {one.Balance} and {two.Balance}: total {one.Balance + two.Balance}, not 2 000. Is every change made under both locks?");
}, timeout: 90));

// %% [markdown]
// ### 06.2 · A bounded buffer on a Condition · 用条件变量实现有界缓冲区
//
// *Practises:* `Condition.WaitFor` to wait for room or for an item, and `NotifyAll` to wake the other side: the pattern of the Condition section, as a class that any threads can share.
//
// Complete `BoundedBuffer`: `Put(item)` waits while the buffer holds `capacity` items, then adds the item; `Take()` waits while it is empty, then removes and returns the oldest item. Both work under the one `Condition`, and each wakes the waiters after it changes the buffer.
//
// <details><summary>Hint · 提示</summary>
//
// In `Put`: `using (cond.EnterScope()) { cond.WaitFor(() => items.Count < capacity); items.Enqueue(item); cond.NotifyAll(); }`. `Take` is its mirror image, with `items.Count > 0` and `Dequeue()`. `NotifyAll` rather than `Notify`: producers and consumers wait on the same condition, and waking a single waiter could wake one of the wrong kind.
// </details>

// %%
// class BoundedBuffer: at the end of this file, where C# takes types.

// %% [markdown]
// The check fills a buffer here, then lets a thread put one item more than fits and expects it to wait, then passes many items through it to two consumers:

// %%
display(Exercise.Check("06.2", "Put waits while the buffer is full and Take while it is empty; every item comes out once, oldest first", () =>
{
    var buffer = new BoundedBuffer(3);
    buffer.Put(7); buffer.Put(8);
    if ((buffer.Take(), buffer.Take()) is not (7, 8)) return Verdict.Fail("after Put(7), Put(8) on this thread, Take() should give 7, then 8: the oldest item first.");
    var producer = new threading.Thread(() => { for (var i = 0; i < 4; i++) buffer.Put(i); }) { Daemon = true };
    producer.Start();
    producer.Join(timeout: 1);                                   // four puts into room for three: the fourth must wait
    if (!producer.IsAlive) return Verdict.Fail($"a thread put 4 items into a buffer of capacity 3 that nobody read, and was not kept waiting (the buffer holds {buffer.Count}).");
    var firstFour = Enumerable.Range(0, 4).Select(_ => buffer.Take()).ToList();
    var taken = PassThrough(buffer.Put, buffer.Take, 2_000, consumers: 2);
    var all = taken.SelectMany(t => t).Order().ToList();
    return firstFour.SequenceEqual([0, 1, 2, 3]) && all.SequenceEqual(Enumerable.Range(0, 2_000)) && taken.All(t => t.SequenceEqual(t.Order()))
        ? Verdict.Pass($"the fourth Put waited for room; then 2 000 items went to two consumers ({Exercise.Show(taken.Select(t => t.Count))}), each once and in order.")
        : Verdict.Fail($"expected 0, 1, 2, 3 first, then each of 2 000 items once, in order within each consumer; got {Exercise.Show(firstFour)}, then {all.Count} items ({all.Distinct().Count()} different).");
}, timeout: 90));

// %% [markdown]
// ## 小结 · Summary
//
// - `counter++` is a read, an add and a write: without a lock, threads overwrite each other's updates. The first run counted the lost updates, and the chart above shows how many were lost at each amount of work.
// - `lock` lets one thread at a time into a block, and `Interlocked` makes a single update indivisible without a lock. Both give exact results; the cell above printed how long each took.
// - `lock`/`Monitor` and `System.Threading.Lock` are reentrant, like Python's `RLock`; a `SemaphoreSlim` used as a lock is not, like Python's `Lock`.
// - Release only what you acquired: the scoped forms (`lock`, `using (l.EnterScope())`, Python's `with`) release exactly once, and `Monitor.TryEnter` with `try`/`finally` adds a timeout.
// - A condition releases its lock while it waits, and `WaitFor` checks its predicate again after every wake-up; semaphores, events and barriers cover the other common patterns.
// - Locks taken in opposite orders can deadlock: timeouts detect it, and a fixed lock order prevents it.
//
// **Documentation**
// - Python: [`threading.Lock`](https://docs.python.org/3/library/threading.html#threading.Lock), [`threading.RLock`](https://docs.python.org/3/library/threading.html#threading.RLock), [locks in a `with` statement](https://docs.python.org/3/library/threading.html#with-locks), [`threading.Condition`](https://docs.python.org/3/library/threading.html#threading.Condition), [`Condition.wait_for`](https://docs.python.org/3/library/threading.html#threading.Condition.wait_for), [`threading.Semaphore`](https://docs.python.org/3/library/threading.html#threading.Semaphore), [`threading.Event`](https://docs.python.org/3/library/threading.html#threading.Event), [`threading.Barrier`](https://docs.python.org/3/library/threading.html#threading.Barrier)
// - .NET: [the `lock` statement](https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock), [`Monitor`](https://learn.microsoft.com/dotnet/api/system.threading.monitor), [`System.Threading.Lock`](https://learn.microsoft.com/dotnet/api/system.threading.lock), [`Interlocked`](https://learn.microsoft.com/dotnet/api/system.threading.interlocked), [`SemaphoreSlim`](https://learn.microsoft.com/dotnet/api/system.threading.semaphoreslim), [`ManualResetEventSlim`](https://learn.microsoft.com/dotnet/api/system.threading.manualreseteventslim), [`Barrier`](https://learn.microsoft.com/dotnet/api/system.threading.barrier), [`SynchronizationLockException`](https://learn.microsoft.com/dotnet/api/system.threading.synchronizationlockexception)

// %% [markdown]
// [⏪ 05 · 线程的创建](05-creating-threads.ipynb) · [目录 · Contents](00-index.ipynb) · [07 · 从一台机器到多台 ⏩](07-beyond-one-machine.ipynb)

// %% [markdown]
// The types written in the cells above: C# takes a file's types only after its top-level statements.

// %%
class Box { public long Counter = 0; public readonly object Gate = new(); }   // Counter is updated through ref and lambdas

sealed class Account(int id, long balance)
{
    public int Id { get; } = id;
    public long Balance { get; set; } = balance;
    public object Gate { get; } = new();
}

// A first-in, first-out buffer of at most `capacity` items, shared by producer and consumer threads.
sealed class BoundedBuffer(int capacity)
{
    private readonly threading.Condition cond = new();
    private readonly Queue<int> items = new();
    public int Count { get { using (cond.EnterScope()) return items.Count; } }
    public int Capacity => capacity;

    public void Put(int item)
    {
        // BEGIN SOLUTION
        using (cond.EnterScope()) { cond.WaitFor(() => items.Count < capacity); items.Enqueue(item); cond.NotifyAll(); }
        // END SOLUTION
    }

    public int Take()
    {
        // BEGIN SOLUTION
        using (cond.EnterScope()) { cond.WaitFor(() => items.Count > 0); var item = items.Dequeue(); cond.NotifyAll(); return item; }
        // END SOLUTION
    }
}
