// Generated from notebooks/06-thread-locks-and-conditions.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/06-thread-locks-and-conditions.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/06-thread-locks-and-conditions.cs

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
// [← 05 · 线程的创建](05-creating-threads.ipynb) · [目录 · Contents](00-index.ipynb) · [07 · 从一台机器到多台 →](07-beyond-one-machine.ipynb)
//
// # 06 · 线程锁机制 · Thread locks and conditions
//
// Threads share memory, so two of them can update the same variable at the same moment and lose an update, as the processes of [notebook 03](03-process-locks-and-shared-memory.ipynb) did through shared memory. The note's section shows `threading.Lock` (and `RLock` for nesting), the pattern `if lock.acquire(1): ... lock.release()`, and a condition with `wait`, `wait_for` and `notify`. This notebook shows the race and its cures, which locks are reentrant, what the note's `acquire(1)` does and what it meant, a condition used as the note uses it and as a bounded buffer, and a deadlock found with timeouts, then ended with the stop button.
//
// What differs in .NET:
// - **No GIL.** A .NET process runs its threads on all cores at once, so `counter++` races whenever two threads run it at the same instant. CPython's GIL does not make `x += 1` safe either (the race section says why): in both languages the cure is a lock.
// - C# has a `lock` statement, which is Python's `with lock:`, and `Interlocked` for single atomic updates.
// - .NET's locks (`Monitor`, `System.Threading.Lock`) have an owner, as Python's `RLock` has: releasing one that this thread does not hold always throws `SynchronizationLockException`.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Watch threads lose updates on `counter++`, see why CPython's GIL does not prevent that either, and cure the race with `lock` and `Interlocked`.
// - Tell reentrant locks (`lock`/`Monitor`, `System.Threading.Lock`, Python's `RLock`) from non-reentrant ones (`SemaphoreSlim`, Python's `Lock`).
// - Read the note's `lock.acquire(1)` as Python does (`1` is `blocking`, not a timeout), and write the timed acquire it meant, which releases only a lock it took: `acquire(timeout=1)` in Python, `Monitor.TryEnter` or `Lock.TryEnter` with `try`/`finally` in C#.
// - Use a `Condition` as the note does, with `Wait()` and `Notify()` under its lock, see what `Wait()` without the lock raises, and build a bounded buffer with `WaitFor` and `NotifyAll`.
// - Detect a deadlock with timeouts, prevent it with a lock order, and end a hung cell with the stop button, which interrupts the helpers' waits as Ctrl+C interrupts Python's.
// - *Going deeper, optional:* how many updates are lost at each amount of work; a semaphore, an event and a barrier.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

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
// **And in Python? · GIL 与 `+=`** The same race, in Python:
// ```python
// counter = 0
//
// def add(times):
//     global counter
//     for _ in range(times):
//         counter += 1          # a read, an add and a write
// ```
// CPython's **GIL** (global interpreter lock) lets one thread at a time run Python bytecode. It protects the interpreter's own state, such as reference counts and the insides of a `dict` or a `list`; it does not protect your read-modify-write. `counter += 1` is several bytecodes: `dis.dis` shows a load of `counter`, a load of `1`, the add (`BINARY_OP +=`; `INPLACE_ADD` before Python 3.11) and a store, and CPython may hand the GIL to another thread between two of them, after the read and before the write. Recent CPythons rarely switch threads at that point, so a test in Python may lose nothing; that is a detail of the implementation, not a promise, and it is why `threading.Lock` exists. **Free-threaded CPython** (the `python3.13t` and `python3.14t` builds of [PEP 703](https://peps.python.org/pep-0703/), officially supported since Python 3.14 by [PEP 779](https://peps.python.org/pep-0779/)) has no GIL at all: its threads run on all cores at once, as .NET's do here.

// %% [markdown]
// Two cures. `lock (gate) { ... }` lets one thread at a time into the block; it is Python's `with lock: counter += 1`. `Interlocked.Increment(ref counter)` makes the read-add-write one indivisible (atomic) operation, with no lock to take, but it covers only that single update; Python's standard library has no counterpart. Both are always exact; the cell also prints how long each took:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var withLock = Race(Threads, Times, b => { lock (b.Gate) b.Counter++; });
var lockTime = clock.Elapsed.TotalMilliseconds;
clock.Restart();
var withInterlocked = Race(Threads, Times, b => Interlocked.Increment(ref b.Counter));
var interlockedTime = clock.Elapsed.TotalMilliseconds;
display($"lock: {withLock:N0} in {lockTime:F0} ms;  Interlocked: {withInterlocked:N0} in {interlockedTime:F0} ms");

// %% [markdown]
// ## 深入 · Going deeper: lost updates against work · 丢失的更新与工作量
//
// *Optional.* This measurement does not fit in a 45-minute class: take it when there is time, or after class. The cells after this section use nothing defined in it.
//
// How many updates are lost at each amount of work, without a lock? Each count of additions per thread is measured five times, the counts interleaved so that a burst of other work does not hit one count only; the chart shows the median and, as a bar, the range. The largest count is the race section's, a million, so that its single run can be set beside these five.

// %%
var sizes = new[] { 1_000, 10_000, 100_000, 250_000, 500_000, Times };
var lost = Trials.Interleaved(sizes, n => Threads * (double)n - Race(Threads, n, b => b.Counter++), rounds: 5);
display(lost.Select(m => ((double)m.Input, m.Result)).ToChart("median of 5 runs (bar: min–max)",
    $"{Threads} threads, counter++ without a lock ({CpuCount()} CPUs)", "additions per thread", "updates lost", logX: true));

// %% [markdown]
// What this run shows, computed from the figures above:

// %%
display(LostUpdates.Of(Threads, "thread", lost).Reading(oneRun: (Times, Threads * Times - unsafeResult)));

// %% [markdown]
// *End of the optional section.*

// %% [markdown]
// ## Lock vs RLock · 可重入锁
//
// The note: `lock = threading.Lock()  # 需要嵌套锁的话就是RLock` (for nesting, an `RLock`). A thread that holds a **non-reentrant** lock and tries to take it again waits for itself forever: a deadlock. A **reentrant** lock counts how many times its holder has taken it, and is free again after as many releases:
// ```python
// lock = threading.Lock()
// with lock:
//     with lock: ...            # waits for itself forever
// rlock = threading.RLock()
// with rlock:
//     with rlock: ...           # fine: free again once both withs have ended
// ```
// In .NET:
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
// ## The note's `acquire(1)` · acquire(timeout) 与 with
//
// The note writes:
// ```python
// lock = threading.Lock()
//
// class MyThread(threading.Thread):
//     def run(self):
//         if lock.acquire(1):
//             pass
//         lock.release()
// ```
// It reads like "wait at most 1 second", but the signature is `acquire(blocking=True, timeout=-1)`: the first positional argument is **`blocking`**, so `acquire(1)` is `acquire(blocking=True)`. It waits as long as it takes, never times out, and returns `True`; the `if` is always taken, and the `release()` after it happens to be right.
//
// A timeout must be named: `acquire(timeout=1)`, or `acquire(True, 1)`. Then `acquire` can return `False`, and the note's `release()`, outside the `if`, still runs, on a lock this thread does not hold:
// - if another thread holds it, a plain `Lock`, which has no owner, is released under that thread's feet, with no error: two threads can then be inside at once;
// - if nobody holds it, `release()` raises `RuntimeError: release unlocked lock` (and `RLock.release()` by a thread that does not hold it always raises `RuntimeError: cannot release un-acquired lock`).
//
// What the note meant: release only a lock that was taken, in a `finally`; or, when no timeout is needed, let `with` take it and release it:
// ```python
// if lock.acquire(timeout=1):
//     try:
//         pass                  # the work
//     finally:
//         lock.release()        # only when taken, and even if the work raises
// else:
//     print("not taken within 1 s: nothing to release")
//
// with lock:                    # no timeout: waits, then releases exactly once
//     pass
// ```
// In C#, `lock (gate) { }` is the `with` form (and `using (l.EnterScope())` for a `System.Threading.Lock`). The timed form is `Monitor.TryEnter(gate, timeout)`, which returns `false` when the timeout passes. As a function that releases only what it took:

// %%
// Python's `if lock.acquire(timeout=seconds):` with try/finally: releases only a lock it took.
string TryWork(object guarded, double seconds)
{
    if (!Monitor.TryEnter(guarded, TimeSpan.FromSeconds(seconds)))
        return $"not taken within {seconds:0.#} s: nothing to release";
    try { return $"taken within {seconds:0.#} s; the finally releases it"; }
    finally { Monitor.Exit(guarded); }
}

// %% [markdown]
// To see both answers, another thread takes the lock and keeps it for 2 seconds. Meanwhile this thread tries for 1 second, then releases anyway, as the note's `release()` outside the `if` does, then tries for 3 seconds more. A `Monitor` has an owner, so that release cannot free the other thread's lock as Python's plain `Lock` would: it throws. Look for which tries took the lock, and for what the release threw:

// %%
var contended = new object();
var holderHasIt = new ManualResetEventSlim(false);
var holderThread = new threading.Thread(() => { lock (contended) { holderHasIt.Set(); Thread.Sleep(2000); } }) { Name = "holder" };
holderThread.Start();
holderHasIt.Wait();                                  // from here, the holder keeps the lock for 2 s
Console.WriteLine($"try for 1 s while another thread holds it: {TryWork(contended, 1)}");
try { Monitor.Exit(contended); }                     // the note's release(), outside the if
catch (SynchronizationLockException e) { Console.WriteLine($"release anyway: {e.GetType().Name}: {e.Message}"); }
Console.WriteLine($"try for 3 s more: {TryWork(contended, 3)}");
holderThread.Join();

// %% [markdown]
// `System.Threading.Lock` (.NET 9 and later, the type the `lock` statement's documentation recommends locking on) has the same pair as methods, `TryEnter(timeout)` and `Exit()`, and its `Exit()` also throws when this thread does not hold the lock:

// %%
var timedLock = new System.Threading.Lock();
if (timedLock.TryEnter(TimeSpan.FromSeconds(1)))
{
    try { Console.WriteLine("Lock.TryEnter(1 s): taken; the finally exits it"); }
    finally { timedLock.Exit(); }
}
else Console.WriteLine("Lock.TryEnter(1 s): not taken; nothing to exit");

try { timedLock.Exit(); }                            // once more, now that this thread does not hold it
catch (SynchronizationLockException e) { Console.WriteLine($"Exit without holding it: {e.GetType().Name}"); }

// %% [markdown]
// ## 条件锁 · Condition: wait and notify
//
// The note:
// ```python
// lock = threading.Condition()
// lock.wait()                   # 等待
// lock.wait_for(fun_object)     # fun_object need return bool
// lock.notify()                 # 通知其他线程
// ```
// A condition pairs a lock with waiting: `wait()` releases the lock, sleeps until another thread calls `notify()` (or its timeout passes), and takes the lock again before it returns; `notify()` wakes one waiter, `notify_all()` every one. All of them must be called **while holding the condition's lock** (`with cond:`; unless given another, the lock is a new `RLock`). Run as written, the note's lines stop at the first one, a `wait()` on a condition nobody acquired: `RuntimeError: cannot wait on un-acquired lock`. As meant:
// ```python
// cond = threading.Condition()
// ready = False
//
// def waiter():
//     with cond:
//         while not ready:      # check again after every wake-up
//             cond.wait()       # releases the lock while it sleeps
//         print("woken, ready =", ready)
//
// def setter():
//     global ready
//     with cond:
//         ready = True
//         cond.notify()         # the waiter runs once setter leaves the with
// ```
// The `while` matters: by the time a woken thread has the lock again, another thread may have changed the state. The helpers' `threading.Condition` does the same over .NET's `Monitor`: `using (cond.EnterScope())` is `with cond:`, and `Acquire()` and `Release()` are there too. First the waiter, started now:

// %%
var ready = new threading.Condition();
var isReady = false;
var waiter = new threading.Thread(() =>
{
    using (ready.EnterScope())                       // Python's `with cond:`
    {
        while (!isReady) ready.Wait();               // releases the lock while it sleeps, takes it back to return
        Console.WriteLine($"{Thread.CurrentThread.Name}: woken with the lock, isReady = {isReady}");
    }
}) { Name = "waiter" };
waiter.Start();

// %% [markdown]
// Then the setter, with `Acquire()` and `Release()` this time (Python's `cond.acquire()` and `cond.release()`), and a join with a timeout, so that a lost wake-up could not hang the kernel. Look for the waiter's line, printed once the setter has released the lock:

// %%
ready.Acquire();                                     // Python's cond.acquire()
try
{
    isReady = true;
    ready.Notify();                                  // wakes one waiter: it runs once this thread releases
}
finally { ready.Release(); }                         // Python's cond.release()
waiter.Join(timeout: 5);
display(waiter.IsAlive ? "the waiter is still waiting after 5 s: its wake-up was lost" : "the waiter has ended");

// %% [markdown]
// The note's trap: `wait()` and `notify()` on a condition whose lock this thread does not hold. Python raises `RuntimeError` (`cannot wait on un-acquired lock`, `cannot notify on un-acquired lock`); the helpers throw `SynchronizationLockException`, as .NET's `Monitor.Wait` and `Monitor.Pulse` do. Each call is caught, and what it threw printed:

// %%
var bare = new threading.Condition();
try { bare.Wait(); }                                 // the note's lock.wait(), with no `with lock:` around it
catch (SynchronizationLockException e) { Console.WriteLine($"Wait() without the lock: {e.GetType().Name}: {e.Message}"); }
try { bare.Notify(); }                               // the note's lock.notify(), likewise
catch (SynchronizationLockException e) { Console.WriteLine($"Notify() without the lock: {e.GetType().Name}"); }

// %% [markdown]
// ### A bounded buffer · 有界缓冲区: wait_for and notify_all
//
// `wait_for(predicate)` is the `while not ...: wait()` loop above in one call: it checks the predicate, waits, and checks again after every wake-up, until the predicate holds or the timeout passes. .NET's `Monitor.Wait`/`Pulse` have no `wait_for`, so the helpers add it as `WaitFor`. Here a producer and two consumers share a buffer that holds at most 3 items; each waits for its own predicate (room, or an item), and `NotifyAll` wakes the other side after each change:

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
// ## 深入 · Going deeper: Semaphore, Event, Barrier · 其他同步原语
//
// *Optional.* These are not in the note: take them when there is time, or after class. The cells after this section use nothing defined in it.
//
// - A **semaphore** lets at most *n* threads in at once (Python's `threading.Semaphore`, .NET's `SemaphoreSlim`; here 2 of 5).
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
// *End of the optional section.*

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
// ### The stop button · 停止按钮
//
// Without its timeout, the cell above would wait forever, and the kernel with it. A Python program stuck like that is stopped with Ctrl+C (Interrupt in Jupyter): the waiting call raises `KeyboardInterrupt`. The helpers do the same when you press the stop button (■ in VS Code; Interrupt in Jupyter, with the kernelspec that `tools/jupyter-kernel.sh` sets up, see the README):
// - every wait of the helpers (`Join`, `Acquire`, `Get`, `Map`, `Wait`, …) ends within a fraction of a second (it looks every tenth of a second; terminating what the cell started can add a little) with an `mp.KeyboardInterruptException` that says what it was waiting for;
// - the child processes and pools the cell started are terminated, and the threads it started are interrupted at their next wait of the helpers;
// - the next cell runs.
//
// What .NET itself waits on (`lock`, `Monitor.Enter`, `Thread.Sleep`, `System.Threading.Thread.Join`) is not interrupted: a cell stuck there keeps the kernel busy until it ends or the kernel restarts. That is why the cells above use timeouts.
//
// Here is the same deadlock with the helpers' locks and threads. A thread that is interrupted while it waits for its second lock says so, and its `using` gives back its first lock:

// %%
var outcomes = new string[2];

(threading.Thread, threading.Thread) StartDeadlock()
{
    var (first, second, bothHoldOne) = (new mp.Lock(), new mp.Lock(), new mp.Barrier(2));
    string Take(mp.Lock mine, mp.Lock other)
    {
        using (mine.EnterScope())
        {
            bothHoldOne.Wait();                                   // each thread now holds one lock
            try { using (other.EnterScope()) return "done"; }
            catch (mp.KeyboardInterruptException) { return "interrupted while waiting for the other lock"; }
        }
    }

    var left = new threading.Thread(() => outcomes[0] = Take(first, second));
    var right = new threading.Thread(() => outcomes[1] = Take(second, first));
    left.Start();
    right.Start();
    return (left, right);
}

// %% [markdown]
// To press the button yourself, run `var (p, q) = StartDeadlock(); p.Join();` in a new cell, and press ■ once it hangs. So that this notebook also runs unattended, the cell below presses it with a timer after 2 s: the kernel gives every cell an `mp.InterruptScope` holding the cell's cancellation, and this cell opens one of its own with the timer's (a console program can do the same with Ctrl+C's):

// %%
var stopButton = new CancellationTokenSource(TimeSpan.FromSeconds(2));   // pressed after 2 s
threading.Thread left, right;
using (mp.InterruptScope.Enter(stopButton.Token))
{
    (left, right) = StartDeadlock();
    try { left.Join(); }                                  // left waits for right, right for left: forever
    catch (mp.KeyboardInterruptException e) { Console.WriteLine(e.Message); }
}

stopButton.Dispose();
left.Join(timeout: 5);
right.Join(timeout: 5);
Console.WriteLine($"left: {outcomes[0]}; right: {outcomes[1]}");

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// Exercise 06.1 moves money between accounts, each with an id, a balance and a lock object of its own:

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
// The order must not depend on the direction of the move: which of the two accounts comes first, whether the money goes one way or the other? A tuple and the conditional operator `?:` can name the pair (first, second) in one line; then one `lock` statement inside the other (look at how `Transfer` in the deadlock section puts `a` before `b`). And why can no circle of waiting form once every thread does this?
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
    if (one.Balance != 990 || two.Balance != 1_010) return Verdict.Fail($"Move(one, two, 10) from 1,000 each left {one.Balance:N0} and {two.Balance:N0}; expected 990 and 1,010.");
    bool ordered;
    lock (two.Gate) { new threading.Thread(() => Move(two, one, 10)) { Daemon = true }.Start(); ordered = SpinWait.SpinUntil(() => HeldByAnother(one.Gate), 5_000); }
    if (!ordered) return Verdict.Fail("Move(two, one, …) did not take one's lock (the smaller Id) while two's was taken: it waits for the larger Id's lock first.");
    using var start = new Barrier(2);
    var movers = new[] { (one, two), (two, one) }.Select(p => new threading.Thread(() => { start.SignalAndWait(); for (var i = 0; i < 100_000; i++) Move(p.Item1, p.Item2, 1); }) { Daemon = true }).ToList();
    movers.ForEach(m => m.Start());
    movers.ForEach(m => m.Join(timeout: 30));
    if (movers.Any(m => m.IsAlive)) return Verdict.Fail("the two threads moving in opposite directions had not finished after 30 s: a deadlock.");
    return one.Balance + two.Balance == 2_000
        ? Verdict.Pass($"the smaller Id's lock is taken first, and two threads made 100,000 moves each in opposite directions without a deadlock; balances {one.Balance:N0} and {two.Balance:N0}, total 2,000.")
        : Verdict.Fail($"after the moves the balances are {one.Balance:N0} and {two.Balance:N0}: total {one.Balance + two.Balance:N0}, not 2,000. Is every change made under both locks?");
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
// Look at the producer and the consumers of the Condition section: what does each wait for, and what does each do after it has changed the buffer? Which predicate must `Put` give `WaitFor`, and which `Take`? Does each method hold the condition's lock (`EnterScope`) from its wait to its notify? And why `NotifyAll` rather than `Notify`, when producers and consumers wait on the same condition?
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
        ? Verdict.Pass($"the fourth Put waited for room; then 2,000 items went to two consumers ({string.Join(" and ", taken.Select(t => $"{t.Count:N0}"))}), each once and in order.")
        : Verdict.Fail($"expected 0, 1, 2, 3 first, then each of 2,000 items once, in order within each consumer; got {Exercise.Show(firstFour)}, then {all.Count:N0} items ({all.Distinct().Count():N0} different).");
}, timeout: 90));

// %% [markdown]
// ## 小结 · Summary
//
// - `counter++` is a read, an add and a write: without a lock, threads overwrite each other's updates, and the race section's cell counted how many its run lost. CPython's GIL does not prevent that in Python either (it protects the interpreter, not your `x += 1`), and free-threaded CPython has no GIL at all: a shared read-modify-write needs a lock in both languages.
// - `lock` lets one thread at a time into a block, and `Interlocked` makes a single update indivisible without a lock. Both give exact results; the cell above printed how long each took.
// - `lock`/`Monitor` and `System.Threading.Lock` are reentrant, like Python's `RLock`; a `SemaphoreSlim` used as a lock is not, like Python's `Lock`.
// - The note's `lock.acquire(1)` is `acquire(blocking=True)`: it never times out. A timeout is `acquire(timeout=1)`, in C# `Monitor.TryEnter` or `Lock.TryEnter`; release only after it returned true, in a `finally`. The scoped forms (`lock`, `using (l.EnterScope())`, Python's `with`) release exactly once.
// - Releasing a lock this thread does not hold throws `SynchronizationLockException` in .NET; in Python it raises `RuntimeError`, or, for a plain `Lock` that another thread holds, silently frees that thread's lock.
// - A condition's `Wait()`, `WaitFor()` and `Notify()` need its lock (`using (cond.EnterScope())`, Python's `with cond:`): without it, `SynchronizationLockException` here and `RuntimeError` in Python. `Wait` releases the lock while it waits; check the state again after every wake-up, or let `WaitFor` do it.
// - Locks taken in opposite orders can deadlock: timeouts detect it, and a fixed lock order prevents it. The stop button ends a cell stuck in a wait of the helpers, as Ctrl+C ends Python's (`KeyboardInterrupt`); a wait of .NET itself (`lock`, `Thread.Sleep`) it cannot end. Semaphores, events and barriers (in the optional part) cover other common patterns.
//
// **Documentation**
// - Python: [`threading.Lock`](https://docs.python.org/3/library/threading.html#threading.Lock), [`Lock.acquire`](https://docs.python.org/3/library/threading.html#threading.Lock.acquire), [`threading.RLock`](https://docs.python.org/3/library/threading.html#threading.RLock), [locks in a `with` statement](https://docs.python.org/3/library/threading.html#with-locks), [`threading.Condition`](https://docs.python.org/3/library/threading.html#threading.Condition), [`Condition.wait`](https://docs.python.org/3/library/threading.html#threading.Condition.wait), [`Condition.wait_for`](https://docs.python.org/3/library/threading.html#threading.Condition.wait_for), [`threading.Semaphore`](https://docs.python.org/3/library/threading.html#threading.Semaphore), [`threading.Event`](https://docs.python.org/3/library/threading.html#threading.Event), [`threading.Barrier`](https://docs.python.org/3/library/threading.html#threading.Barrier), [global interpreter lock](https://docs.python.org/3/glossary.html#term-global-interpreter-lock), [free threading](https://docs.python.org/3/howto/free-threading-python.html), [PEP 703](https://peps.python.org/pep-0703/), [PEP 779](https://peps.python.org/pep-0779/)
// - .NET: [the `lock` statement](https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock), [`Monitor`](https://learn.microsoft.com/dotnet/api/system.threading.monitor), [`Monitor.TryEnter`](https://learn.microsoft.com/dotnet/api/system.threading.monitor.tryenter), [`System.Threading.Lock`](https://learn.microsoft.com/dotnet/api/system.threading.lock), [`Lock.TryEnter`](https://learn.microsoft.com/dotnet/api/system.threading.lock.tryenter), [`Interlocked`](https://learn.microsoft.com/dotnet/api/system.threading.interlocked), [`SemaphoreSlim`](https://learn.microsoft.com/dotnet/api/system.threading.semaphoreslim), [`ManualResetEventSlim`](https://learn.microsoft.com/dotnet/api/system.threading.manualreseteventslim), [`Barrier`](https://learn.microsoft.com/dotnet/api/system.threading.barrier), [`SynchronizationLockException`](https://learn.microsoft.com/dotnet/api/system.threading.synchronizationlockexception), [`CancellationTokenSource`](https://learn.microsoft.com/dotnet/api/system.threading.cancellationtokensource), [`OperationCanceledException`](https://learn.microsoft.com/dotnet/api/system.operationcanceledexception)

// %% [markdown]
// [← 05 · 线程的创建](05-creating-threads.ipynb) · [目录 · Contents](00-index.ipynb) · [07 · 从一台机器到多台 →](07-beyond-one-machine.ipynb)

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
