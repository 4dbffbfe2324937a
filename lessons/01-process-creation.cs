// Generated from notebooks/01-process-creation.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/01-process-creation.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/01-process-creation.cs

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
// [← 目录 · Contents](00-index.ipynb) · [02 · 进程间的通信 →](02-inter-process-communication.ipynb)
//
// # 01 · 进程的创建 · Creating processes
//
// The study note starts with `multiprocessing.Process`: a function (or a subclass's `run`) that runs in a **new operating-system process** with its own PID and its own memory. This notebook does the same from C#, for real: every `Process` below is a separate `dotnet` process started by the helpers in `../helpers/Multiprocessing/`.
//
// What differs in .NET, in one breath:
// - **No fork.** .NET cannot `fork()` a running runtime, so every child is a fresh runtime, as with CPython's `spawn` start method (CPython's default on Windows and macOS; on Linux its default is `forkserver` since Python 3.14, and was `fork` before). The child loads the code and receives the arguments serialized; nothing else of the parent's memory is there. To start quickly anyway, the helpers keep the next child started ahead of time (the `standby` start method, CPython's forkserver idea); the optional section at the end of this notebook measures it.
// - **No GIL.** In .NET, threads of one process already run in parallel; processes are for isolation (a crash or a `kill` takes down only the child), not for getting around a lock.
// - **Notebook code reaches the child.** A method written in an *earlier* cell runs in a child. With CPython's `spawn` and `forkserver` a function defined in a notebook or a REPL cannot be a target: the child dies with an `AttributeError`, because it cannot find the function in its own `__main__`. Only `fork`, the default on no platform since 3.14, can run it.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Start a child process from a function (`new Process(Greet, "student", 3)`, Python's `Process(target=..., args=...)`) and from a subclass that overrides `Run()`.
// - Wait for it with `Join()` and `Join(timeout)`, check `IsAlive` and `ExitCode`, and stop it with `Terminate()` or `Kill()`.
// - Look around with `ActiveChildren()`, `CpuCount()`, `CurrentProcess()`, `ParentProcess()` and the pids.
// - Understand spawning: why a child runs only functions of earlier cells, and why notebook variables, lambdas and resources cannot cross to it.
// - *Going deeper, optional:* which start method CPython uses where, and what starting a process costs with the helpers' two start methods (`standby`, `spawn`), measured on this machine beside CPython's `fork`, `forkserver` and `spawn`.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

// %% [markdown]
// ## 函数创建的方式 · Function style
//
// Python:
// ```python
// from multiprocessing import Process
// import os
//
// def greet(who, times):
//     for i in range(times):
//         print(f"hello {who} #{i} from pid {os.getpid()}")
//
// if __name__ == "__main__":
//     p = Process(target=greet, args=("student", 3))
//     p.start()
//     p.join()
// ```
// In C# the target is a method written at the top level of a cell, as Python's `def` is written at the top level of a module. It is defined in its own cell, because a child can only load cells that have finished running.

// %%
void Greet(string who, int times)
{
    for (var i = 0; i < times; i++)
        Console.WriteLine($"hello {who} #{i} from pid {Environment.ProcessId}");
}

// %% [markdown]
// `Start()` spawns the child and returns at once; `Join()` waits for it. In the output, look for the child's lines, each tagged with the process name, and for its pid beside the parent's. The last line of the cell displays the process itself: name, pid, whether it is alive, its exit code, and whether it is a daemon.

// %%
var p = new Process(Greet, "student", 3);
p.Start();
p.Join();
Console.WriteLine($"parent pid {Environment.ProcessId}, child pid {p.Pid}");
display(p);

// %% [markdown]
// Python's `kwargs` are `Kwargs`, bound by parameter name; the binding is checked in the parent when `Start()` runs, so a typo fails here rather than in the child. Python's `name=` is `Name`.

// %%
var q = new Process(Greet, "class") { Name = "greeter", Kwargs = { ["times"] = 2 } };
q.Start();
q.Join();
display(q);

// %% [markdown]
// ## 类继承的方式 · Subclass style
//
// Python:
// ```python
// class Countdown(Process):
//     def __init__(self, start):
//         super().__init__()
//         self.start_at = start
//
//     def run(self):                      # called in the child
//         for n in range(self.start_at, 0, -1):
//             print(n)
// ```
// Two details that the note's version gets loose, as the Python docs state them: a subclass calls `super().__init__()` before it does anything else to the process (the note sets its field first), and `run()` is not called when the object is created but in the child, once `start()` has been called. The field is `start_at`, not `start`: `self.start` would hide the `start()` method.
//
// In C#, derive from `Process` and override `Run()`. The fields set by the constructor travel to the child, as CPython's `spawn` and `forkserver` pickle the object: the child gets a copy, and changes it makes there are not seen by the parent.

// %%
// class Countdown: at the end of this file, where C# takes types.

// %% [markdown]
// Start it as in the function style: `Run()` runs in the child, with the copy of `startAt` that crossed to it. Look for the child's name and pid in each line.

// %%
var countdown = new Countdown(3);
countdown.Start();
countdown.Join();
display(countdown);

// %% [markdown]
// ## join(timeout)
//
// `p.join(timeout)` returns after at most `timeout` seconds **whether or not the child has finished**; `is_alive()` and `exitcode` tell which. Here the child sleeps for a minute, so after a half-second join look for it still alive, with `exitcode` `None` (C#: `null`). Then `Terminate()` sends SIGTERM (on Windows, TerminateProcess); after the join that follows, look for the exit code −15, minus SIGTERM's number, as Python gives it.

// %%
void Nap(double seconds) => Thread.Sleep(TimeSpan.FromSeconds(seconds));

// %% [markdown]
// Start a sleeper, join it for half a second, look at it, then end it:

// %%
var sleeper = new Process(Nap, 60.0);
sleeper.Start();
sleeper.Join(0.5);
Console.WriteLine($"after Join(0.5): IsAlive={sleeper.IsAlive}, ExitCode={sleeper.ExitCode?.ToString() ?? "null"}");
sleeper.Terminate();
sleeper.Join();
Console.WriteLine($"after Terminate(): IsAlive={sleeper.IsAlive}, ExitCode={sleeper.ExitCode}");

// %% [markdown]
// ## 调试相关的函数 · active_children, cpu_count, pids
//
// - `multiprocessing.active_children()` → `ActiveChildren()`: a list (the note says an iterator) of the children still running; asking also joins the children that have finished.
// - `multiprocessing.cpu_count()` → `CpuCount()`. Python's counts the logical CPUs of the whole machine (not the note's cores: a core with two hardware threads counts twice), which is not how many this process may use: that is `os.process_cpu_count()` (Python 3.13+). The helpers' `CpuCount()` is .NET's `Environment.ProcessorCount`, the processors available to this process (its CPU affinity and a container's CPU limit count). Neither tells how many CPUs are idle now.
// - `os.getpid()` → `Environment.ProcessId`; in a child, `os.getppid()` / `parent_process().pid` → `ParentProcess()!.Pid`.
//
// Three sleepers, started as daemons (`Daemon = true`, Python's `daemon=True`: if the kernel exits first, they are terminated instead of waited for), then the questions:

// %%
var nappers = Enumerable.Range(0, 3).Select(_ => new Process(Nap, 60.0) { Daemon = true }).ToList();
nappers.ForEach(n => n.Start());
Console.WriteLine($"cpu_count = {CpuCount()}, this process: {CurrentProcess().Name}, pid {Environment.ProcessId}");
display(ActiveChildren());

// %% [markdown]
// Terminate the three sleepers and join them, then ask again: look for an empty list.

// %%
nappers.ForEach(n => n.Terminate());
nappers.ForEach(n => n.Join());
display(ActiveChildren());

// %% [markdown]
// A child sees itself through `CurrentProcess()` and its parent through `ParentProcess()` (in the main program that is `null`, as Python's `parent_process()` is `None`).

// %%
void ShowFamily()
{
    var me = CurrentProcess();
    var parent = ParentProcess()!;
    Console.WriteLine($"I am {me.Name} (pid {me.Pid}); my parent is {parent.Name} (pid {parent.Pid})");
}

// %% [markdown]
// Run it in a child, then let the parent say what it sees of itself:

// %%
var child = new Process(ShowFamily);
child.Start();
child.Join();
Console.WriteLine($"parent says: my pid is {Environment.ProcessId}, ParentProcess() here is {(ParentProcess() is null ? "null" : "set")}");

// %% [markdown]
// ## Exit codes · 退出码
//
// As in Python: 0 on success; 1 after an unhandled exception, whose trace the child prints on its standard error; the code given to `Environment.Exit(n)` (Python's `sys.exit(n)`); −N after a kill by signal N.

// %%
void Fail(string why) => throw new InvalidOperationException(why);
void Quit(int code) => Environment.Exit(code);

// %% [markdown]
// Start one of each, kill the third while it sleeps, join all three, and show them. Look for the three exit codes in the table, and for the failing child's trace in the output's stderr stream:

// %%
var failing = new Process(Fail, "something went wrong") { Name = "failing" };
var quitting = new Process(Quit, 3) { Name = "quitting" };
var killed = new Process(Nap, 60.0) { Name = "killed" };
foreach (var x in new[] { failing, quitting, killed }) x.Start();
killed.Kill();
foreach (var x in new[] { failing, quitting, killed }) x.Join();
display(new[] { failing, quitting, killed });

// %% [markdown]
// ## Why an earlier cell · 为什么要在前面的单元格定义
//
// A child is a new .NET process: it can run only code it can load. Compiled code is loaded from its DLL; a notebook cell exists only in the kernel's memory, so the helpers emit each *finished* cell as an assembly image and hand it to the child, which recreates the cells **without running them** (as a child of CPython's `spawn` or `forkserver` imports the main module again without running its `if __name__ == "__main__":` block). Functions of earlier cells can call each other there; the notebook's *variables* do not exist there. Three things therefore cannot work, and each gives an immediate error saying what to do:
// - a target defined in the cell that is running now,
// - a lambda (its code and the variables it captures live only in this process),
// - a function that reads a notebook variable, directly or through another function (pass the value as an argument).

// %%
var limit = 3;
void UpToLimit() { for (var i = 1; i <= limit; i++) Console.WriteLine(i); }
void Count(int upTo) { for (var i = 1; i <= upTo; i++) Console.WriteLine(i); }

// %% [markdown]
// Now the three things that cannot work; each attempt prints the error it gets:

// %%
void Here() { }
foreach (var attempt in new Action[] {
    () => new Process(Here),
    () => new Process(() => Console.WriteLine(limit)),
    () => new Process(UpToLimit),
})
{
    try { attempt(); }
    catch (ArgumentException e) { Console.WriteLine(e.Message); Console.WriteLine(); }
}

// %% [markdown]
// The fix the last message asks for: the value travels as an argument.

// %%
var counting = new Process(Count, limit);
counting.Start();
counting.Join();

// %% [markdown]
// Arguments cross by serialization, so something that stands for a resource of this process (a stream, a thread, a delegate) cannot be an argument; `Start()` refuses it and names it:

// %%
void Consume(object resource) { }

// %% [markdown]
// Start it with a stream as its argument:

// %%
try { new Process(Consume, new MemoryStream()).Start(); }
catch (ArgumentException e) { Console.WriteLine(e.Message); }

// %% [markdown]
// <a id="start-methods"></a>
// ## 深入 · Going deeper: what a process costs · 启动一个进程的代价
//
// *Optional.* This section does not fit in a 45-minute class: take it when there is time, or after class. The exercises below use nothing defined in it.
//
// Spawning is not free: a new runtime starts, loads the code and reads its arguments. CPython's start methods differ in exactly that: with `fork` the child is a copy of the running interpreter, with everything already loaded; with `spawn` it is a fresh interpreter that imports everything again; `forkserver` starts a server process once, and the server forks each child.
//
// Which one CPython uses unless told (`multiprocessing.get_start_method()` names it): `spawn` on Windows and on macOS (macOS since Python 3.8); on Linux and the other POSIX systems, `forkserver` since Python 3.14, and `fork` before it. Since 3.12, forking a process that has threads warns with a `DeprecationWarning`: the child gets only the thread that forked, and a lock another thread held at that moment stays locked in the child. That is why 3.14 left `fork`; code that needs it asks for it with `set_start_method("fork")` or `get_context("fork")`.
//
// .NET cannot fork a running runtime, so the helpers have two start methods, both fresh runtimes, chosen with `SetStartMethod` as in Python:
// - **`standby`** (the default), the forkserver idea: after a child starts, the next one is started ahead of time and waits, with the runtime up and the helpers loaded, until `Start()` hands it its work. It is not a child until then (`ActiveChildren()` does not list it) and it exits with its parent.
// - **`spawn`**: every child is started when it is asked for.
//
// The cells below time both, in this run, beside CPython's three. First a child that does nothing:

// %%
void Nothing() { }

// %% [markdown]
// Like is measured with like. One function times the helpers as the CPython side times itself: one untimed start and join first (after a change of start method the first child starts cold, and with `standby` it leaves a spare behind), then a pause, then `runs` starts and joins back to back. It returns their mean, in milliseconds:

// %%
double StartJoinMs(string method, double pause, int runs)
{
    SetStartMethod(method, force: true);
    var first = new Process(Nothing);
    first.Start();
    first.Join();                                // untimed
    Thread.Sleep(TimeSpan.FromSeconds(pause));   // untimed: time for a spare to get ready
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (var i = 0; i < runs; i++)
    {
        var child = new Process(Nothing);
        child.Start();
        child.Join();
    }
    return clock.Elapsed.TotalMilliseconds / runs;
}

// %% [markdown]
// CPython's side runs in three `python3` processes, one per start method, through `Helpers.Measure.CPython`: each times the same thing inside CPython (`cpython.py`, beside `Helpers.dll`). Where `python3` is missing, the helpers are measured alone.
//
// Every kind is measured two ways: **after a pause** (one child 0.3 s after the last, as a notebook starts children, a cell at a time) and **back to back** (five children in a row, where a spare has no time to get ready). Each kind and way is measured in each of 8 rounds, in an order that changes from round to round, so that a burst of other work hits them all alike. This takes about half a minute:

// %%
var pythons = new[] { "fork", "forkserver", "spawn" }
    .Select(method => CPython.TryStart(out _, method)).Where(python => python is not null).ToList();
var kinds = new List<(string Kind, Func<double, int, double> Ms)>
{
    ("the helpers' standby", (pause, runs) => StartJoinMs("standby", pause, runs)),
    ("the helpers' spawn", (pause, runs) => StartJoinMs("spawn", pause, runs)),
};
kinds.AddRange(pythons.Select(python => ($"CPython's {python.StartMethod}", (Func<double, int, double>)python.StartJoinMilliseconds)));
var ways = new[] { (Way: "after a pause", Pause: 0.3, Runs: 1), (Way: "back to back", Pause: 0.0, Runs: 5) };
var startCost = Trials.Interleaved(kinds.SelectMany(k => ways.Select(w => (k.Kind, w.Way, w.Pause, w.Runs))).ToList(),
                                   x => kinds.Single(k => k.Kind == x.Kind).Ms(x.Pause, x.Runs), rounds: 8);
SetStartMethod("standby", force: true);   // back to the default
pythons.ForEach(python => python.Dispose());
display(startCost.Select(m => ($"{m.Input.Kind}, {m.Input.Way}", m.Result)).ToTable("F1"));

// %% [markdown]
// The table gives milliseconds a child: median, then the quickest and slowest of the 8 rounds. The cell below reads it, comparing the helpers' default with the others, each way.
//
// **How a run can "not tell".** Other programs only ever add time, so a figure that is sometimes high says little; what counts is whether one kind was quicker *in nearly every pairing* of its rounds with the other's. Every round of one is compared with every round of the other (8 × 8 = 64 pairs), and a difference is called only when so many pairs agree that chance would give it less than 5 % of the time (an exact Mann–Whitney test, `Helpers.Measure.Difference`). Otherwise the sentence gives the direction seen and says the run cannot tell. The same rule reads every measurement of the course.

// %%
var ms = startCost.ToDictionary(m => (m.Input.Kind, m.Input.Way), m => m.Result);
foreach (var way in ways.Select(w => w.Way))
    foreach (var other in kinds.Select(k => k.Kind).Where(k => k != "the helpers' standby"))
        Console.WriteLine($"{way}: " + Difference.Of("the helpers' standby", ms[("the helpers' standby", way)], other, ms[(other, way)]).Reading("ms", "F1", "was quicker than"));

// %% [markdown]
// ### Where a start's time goes · 启动的时间花在哪里
//
// The figures above say how long a start takes; a timeline says where that time goes. While a `Timeline` records, the parent and each child write down the steps of the child's start on one clock that every process shares: the parent asks for a child, the child's runtime is up (`Main` begins), it has read its request, it has loaded its target and begins to run it, the target ends, and the parent sees the child end. Two children with each start method, a pause before each so that a spare is ready:

// %%
var startTimeline = Timeline.Start();
foreach (var method in new[] { SpawnMethod, StandbyMethod })
{
    SetStartMethod(method, force: true);
    for (var i = 1; i <= 2; i++)
    {
        Thread.Sleep(500);   // untimed: time for a spare to get ready
        var started = new Process(Nothing) { Name = $"{method} {i}" };
        started.Start();
        started.Join();
    }
}
SetStartMethod(StandbyMethod, force: true);   // the default again
startTimeline.Stop();
display(startTimeline.ToChart("Two children started with spawn, then two with standby", s => s.Kind == TimelineKind.Process));

// %% [markdown]
// Each row is a child; hover a bar to see its step and how long it took. The first standby child comes up as a spawn does: a change of start method leaves no spare, and the first start after it starts the next one. What this run shows, computed from the bars: for each child, the time from `Start()` to its target's first line, and how much of it was the runtime starting:

// %%
display(startTimeline.Lanes
    .Select(lane => startTimeline.Spans.Where(s => s.Lane == lane && s.Kind == TimelineKind.Process).ToList())
    .Where(steps => steps.Count > 0)
    .Select(steps => new
    {
        Child = steps[0].Lane.Name,
        StartToTargetMs = Math.Round(steps.Where(s => s.What != "spare ready, waiting to be asked").TakeWhile(s => s.What != "running the target").Sum(s => s.Duration), 1),
        RuntimeStartingMs = Math.Round(steps.Where(s => s.What == "runtime starting").Sum(s => s.Duration), 1),
        SpareWaitedMs = Math.Round(steps.Where(s => s.What == "spare ready, waiting to be asked").Sum(s => s.Duration), 1),
    })
    .ToTabularDataResource());

// %% [markdown]
// Where a spare was ready, its runtime had started before `Start()` (its wait shows at the left of its row), and the child's start was only the request and the target's loading: that is the work `standby` moves ahead of time.

// %% [markdown]
// Whatever the start method, each child is a whole new runtime, and the machine pays for it once per child: `standby` only moves that work to before the child is asked for. This is why later notebooks reuse processes (a **pool** starts its workers once: [notebook 04](04-process-pools.ipynb)), and why, in .NET, plain **threads** ([notebook 05](05-creating-threads.ipynb)) are the first tool for parallel CPU work: without a GIL they can already use every core.
//
// *End of the optional section.*

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The children run `Quit` and `Nap`, written in the sections above.

// %% [markdown]
// ### 01.1 · Collect the exit codes · 收集退出码
//
// *Practises:* starting several children before waiting for any, and reading each one's `ExitCode` after `Join()`.
//
// Write `ExitCodes(n)`: start `n` children, child `i` running `Quit(i)` (from the exit-code section), wait for all of them, and return their exit codes in the children's order. Start them all before joining any, so that they run at the same time.
//
// <details><summary>Hint · 提示</summary>
//
// How did the exit-code section give `Quit` its argument? If each `Join()` comes right after its child's `Start()`, is more than one child ever alive at a time? And from when on is a child's `ExitCode` no longer `null`?
// </details>

// %%
// Starts n children, child i running Quit(i); returns their exit codes in the children's order.
int?[] ExitCodes(int n)
{
    // BEGIN SOLUTION
    var children = Enumerable.Range(0, n).Select(i => new Process(Quit, i)).ToList();
    children.ForEach(c => c.Start());
    children.ForEach(c => c.Join());
    return [.. children.Select(c => c.ExitCode)];
    // END SOLUTION
}

// %% [markdown]
// The check runs your function with a few children and compares the codes, child by child:

// %%
display(Exercise.Check("01.1", "ExitCodes(n) returns [0, 1, …, n − 1]: child i exits through Quit(i)", () =>
{
    var codes = ExitCodes(4);
    int?[] expected = [0, 1, 2, 3];
    return codes is not null && codes.SequenceEqual(expected)
        ? Verdict.Pass($"{codes.Length} children exited with {Exercise.Show(codes)}, each with its own code, in order.")
        : Verdict.Fail($"expected the exit codes {Exercise.Show(expected)}, in the children's order; saw {Exercise.Show(codes)}.");
}));

// %% [markdown]
// ### 01.2 · A deadline for stragglers · 超时与终止
//
// *Practises:* `Join(timeout)` against one deadline shared by all the children, `IsAlive`, `Terminate()`, and the exit code of a terminated child.
//
// Write `WithDeadline(naps, seconds)`: start one child per entry of `naps`, running `Nap(nap)`; wait for them all, but no longer than `seconds` in total; terminate the children still alive, join them, and return every exit code in the children's order. A child that finished in time exits with 0, a terminated one with minus SIGTERM's number, as in Python.
//
// <details><summary>Hint · 提示</summary>
//
// If every child's `Join(timeout)` got the whole `seconds`, how long could three stragglers keep you waiting? A `Stopwatch` tells how much of the deadline has gone when you come to the next child: what is left for that join, and what should a join get once nothing is left? Afterwards, `IsAlive` tells which children are still napping; what must follow `Terminate()` before their `ExitCode` is set?
// </details>

// %%
// One child per nap; after `seconds` in all, terminates those still napping; returns the exit codes.
int?[] WithDeadline(double[] naps, double seconds)
{
    // BEGIN SOLUTION
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var children = naps.Select(nap => new Process(Nap, nap)).ToList();
    children.ForEach(c => c.Start());
    children.ForEach(c => c.Join(Math.Max(0, seconds - clock.Elapsed.TotalSeconds)));
    children.Where(c => c.IsAlive).ToList().ForEach(c => c.Terminate());
    children.ForEach(c => c.Join());
    return [.. children.Select(c => c.ExitCode)];
    // END SOLUTION
}

// %% [markdown]
// The check gives two children no nap and one a nap far longer than the deadline, and expects the first two to finish and the third to be terminated:

// %%
display(Exercise.Check("01.2", "WithDeadline([0, 0, 120], 5) returns [0, 0, -15]: the short naps finish, the long one is terminated", () =>
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var codes = WithDeadline([0, 0, 120], 5);
    int?[] expected = [0, 0, -15];
    if (codes is null || !codes.SequenceEqual(expected))
        return Verdict.Fail($"expected the exit codes {Exercise.Show(expected)}; saw {Exercise.Show(codes)}. A child still napping at the deadline is terminated, then joined.");
    return Verdict.Pass($"exit codes {Exercise.Show(codes)}, returned after {clock.Elapsed.TotalSeconds:F1} s: the children without a nap finished, the long nap was terminated at the deadline.");
}, timeout: 90));

// %% [markdown]
// ## 小结 · Summary
//
// - A `Process` runs a method written in an earlier cell in a new operating-system process, with its own PID and its own memory. `Start()` returns at once; `Join()` waits for the end.
// - In the subclass style the object's fields travel to the child as a copy: what the child changes there, the parent does not see. `Run()` runs in the child, after `Start()`; in Python, a subclass calls `super().__init__()` first.
// - `Join(timeout)` can return while the child still runs, so check `IsAlive` and `ExitCode`. Exit codes follow Python's rules: 0 on success, 1 after an unhandled exception, the code given to `Environment.Exit`, and minus the signal number after a kill (−15 after `Terminate()`).
// - `ActiveChildren()`, `CpuCount()`, `CurrentProcess()` and `ParentProcess()` are the note's debugging functions; `Environment.ProcessId` is `os.getpid()`. `CpuCount()` counts the processors this process may use; Python's `cpu_count()` counts the machine's.
// - .NET cannot fork, so every child is spawned and recreates the notebook's finished cells without running them. That is why a target in the running cell, a lambda and a function that reads a notebook variable are refused, and why arguments must be serializable.
// - CPython starts children with `spawn` by default on Windows and macOS, and with `forkserver` on Linux since Python 3.14 (`fork` before). The helpers' `standby` start method (the default) starts the next child ahead of time, as forkserver keeps a server ready; `SetStartMethod("spawn", force: true)` starts each child cold. Either way a child costs a whole new runtime (the optional section measures it): pools reuse their workers for that reason, and in .NET threads are the first tool for parallel CPU work.
//
// **Documentation**
// - Python: [`multiprocessing.Process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process), [`Process.join`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.join), [`Process.exitcode`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.exitcode), [`Process.terminate`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.terminate), [`Process.daemon`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.daemon), [`active_children`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.active_children), [`cpu_count`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.cpu_count), [`os.process_cpu_count`](https://docs.python.org/3/library/os.html#os.process_cpu_count), [`current_process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.current_process), [`parent_process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.parent_process), [start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods), [`set_start_method`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.set_start_method), [`os.fork`](https://docs.python.org/3/library/os.html#os.fork), [`os.getpid`](https://docs.python.org/3/library/os.html#os.getpid)
// - .NET: [`System.Diagnostics.Process`](https://learn.microsoft.com/dotnet/api/system.diagnostics.process), [`Environment.ProcessId`](https://learn.microsoft.com/dotnet/api/system.environment.processid), [`Environment.ProcessorCount`](https://learn.microsoft.com/dotnet/api/system.environment.processorcount), [`Environment.Exit`](https://learn.microsoft.com/dotnet/api/system.environment.exit), [`Thread.Sleep`](https://learn.microsoft.com/dotnet/api/system.threading.thread.sleep), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch), [`JsonDocument`](https://learn.microsoft.com/dotnet/api/system.text.json.jsondocument)

// %% [markdown]
// [← 目录 · Contents](00-index.ipynb) · [02 · 进程间的通信 →](02-inter-process-communication.ipynb)

// %% [markdown]
// The types written in the cells above: C# takes a file's types only after its top-level statements.

// %%
class Countdown : Process
{
    private readonly int startAt;

    public Countdown(int startAt) => this.startAt = startAt;

    public override void Run()
    {
        for (var n = startAt; n > 0; n--)
            Console.WriteLine($"{n} (in {CurrentProcess().Name}, pid {Environment.ProcessId})");
    }
}
