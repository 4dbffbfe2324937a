// Generated from notebooks/01-process-creation.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/01-process-creation.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/01-process-creation.cs

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
using Helpers.Measure;                    // Spread: the median and range of repeated measurements; ToTable()
using Helpers.Notebook;   // Exercise.Check and Verdict: the self-checks
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 目录 · Contents](00-index.ipynb) · [02 · 进程间的通信 ⏩](02-inter-process-communication.ipynb)
//
// # 01 · 进程的创建 · Creating processes
//
// The study note starts with `multiprocessing.Process`: a function (or a subclass's `run`) that runs in a **new operating-system process** with its own PID and its own memory. This notebook does the same from C#, for real: every `Process` below is a separate `dotnet` process started by the helpers in `../helpers/Multiprocessing/`.
//
// What differs in .NET, in one breath:
// - **No fork.** .NET cannot `fork()` a running runtime, so every child is a fresh runtime, as with CPython's `spawn` start method (the default on Windows and macOS). The child loads the code and receives the arguments serialized; nothing else of the parent's memory is there. To start quickly anyway, the helpers keep the next child started ahead of time (the `standby` start method, CPython's forkserver idea), measured at the end of this notebook.
// - **No GIL.** In .NET, threads of one process already run in parallel; processes are for isolation (a crash or a `kill` takes down only the child), not for getting around a lock.
// - **Notebook code reaches the child.** A method written in an *earlier* cell runs in a child (CPython's spawn cannot do this: `Can't get attribute 'f' on <module '__main__'>`).

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Start a child process from a function (`new Process(Greet, "student", 3)`, Python's `Process(target=..., args=...)`) and from a subclass that overrides `Run()`.
// - Wait for it with `Join()` and `Join(timeout)`, check `IsAlive` and `ExitCode`, and stop it with `Terminate()` or `Kill()`.
// - Look around with `ActiveChildren()`, `CpuCount()`, `CurrentProcess()`, `ParentProcess()` and the pids.
// - Understand spawning: why a child runs only functions of earlier cells, and why notebook variables, lambdas and resources cannot cross to it.
// - See what starting a process costs with the helpers' two start methods (`standby`, `spawn`), measured on this machine beside CPython's `fork`, `forkserver` and `spawn`.

// %% [markdown]
// **Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

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
// `Start()` spawns the child and returns at once; `Join()` waits for it. The child's output appears here, each line tagged with the process name. The last line of the cell displays the process itself: name, pid, whether it is alive, and its exit code.

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
// In C#, derive from `Process` and override `Run()`. The fields set by the constructor travel to the child, as CPython's spawn pickles the object: the child gets a copy, and changes it makes there are not seen by the parent.

// %%
// class Countdown: at the end of this file, where C# takes types.

// %% [markdown]
// Start it as in the function style: `Run()` runs in the child, with the copy of `startAt` that crossed to it.

// %%
var countdown = new Countdown(3);
countdown.Start();
countdown.Join();
display(countdown);

// %% [markdown]
// ## join(timeout)
//
// `p.join(timeout)` returns after at most `timeout` seconds **whether or not the child has finished**; `is_alive()` and `exitcode` tell which. Here the child sleeps for a minute, so after a half-second join look for it still alive, with `exitcode` `None` (C#: `null`). `Terminate()` sends SIGTERM (on Windows, TerminateProcess), and the exit code becomes −15, as in Python.

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
// - `multiprocessing.active_children()` → `ActiveChildren()`: the children still running (finished ones are reaped).
// - `multiprocessing.cpu_count()` → `CpuCount()`: how many processes can really run at once.
// - `os.getpid()` → `Environment.ProcessId`; in a child, `os.getppid()` / `parent_process().pid` → `ParentProcess()!.Pid`.

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
// As in Python: 0 on success; 1 after an unhandled exception, whose trace the child prints on its standard error (shown here in the stderr stream); the code given to `Environment.Exit(n)` (Python's `sys.exit(n)`); −N after a kill by signal N.

// %%
void Fail(string why) => throw new InvalidOperationException(why);
void Quit(int code) => Environment.Exit(code);

// %% [markdown]
// Start one of each, kill the third while it sleeps, join all three, and show them with their exit codes:

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
// A child is a new `dotnet` process: it can run only code it can load. Compiled code is loaded from its DLL; a notebook cell exists only in the kernel's memory, so the helpers emit each *finished* cell as an assembly image and hand it to the child, which recreates the cells **without running them** (as CPython's spawn re-imports `__main__` without running its `if __name__ == "__main__":` block). Functions of earlier cells can call each other there; the notebook's *variables* do not exist there. Three things therefore cannot work, and each gives an immediate error saying what to do:
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
// ## What a process costs · 启动一个进程的代价
//
// Spawning is not free: a new runtime starts, loads the code and reads its arguments. CPython's start methods differ in exactly that: with `fork` the child is a copy of the running interpreter, with everything already loaded; with `spawn` it is a fresh interpreter that imports everything again; `forkserver` keeps a server process ready and forks each child from it.
//
// .NET cannot fork a running runtime, so the helpers have two start methods, both fresh runtimes, chosen with `SetStartMethod` as in Python:
// - **`standby`** (the default), the forkserver idea: after a child starts, the next one is started ahead of time and waits, with the runtime up and the helpers loaded, until `Start()` hands it its work. It is not a child until then (`ActiveChildren()` does not list it) and it exits with its parent.
// - **`spawn`**: every child is started when it is asked for.
//
// The cells below time both, in this run, beside CPython's three. First a child that does nothing:

// %%
void Nothing() { }

// %% [markdown]
// A function that starts and joins it `runs` times, `pauseMs` milliseconds apart, and keeps the median and the range:

// %%
Spread StartJoin(int runs, int pauseMs)
{
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        Thread.Sleep(pauseMs);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var child = new Process(Nothing);
        child.Start();
        child.Join();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return Spread.Of(times);
}

// %% [markdown]
// With `standby`, ten children 0.3 s apart, as a notebook usually starts them (one cell, one child), and ten back to back, where the spare that replaces a child has less time to get ready before the next is asked for. Then ten back to back with `spawn`, and back to the default:

// %%
var standbyPaused = StartJoin(10, 300);
var standbyBackToBack = StartJoin(10, 0);
SetStartMethod("spawn", force: true);
var spawnBackToBack = StartJoin(10, 0);
SetStartMethod("standby", force: true);
display($"start + join in ms (median, then the range): standby {standbyPaused.ToString("G3")} after a pause, {standbyBackToBack.ToString("G3")} back to back; spawn {spawnBackToBack.ToString("G3")}");

// %% [markdown]
// The same with CPython needs `python3`. A small function runs a Python script from a file (a `spawn` child imports the script's file again to find the function it runs; a `python3 -c` script has no file) and reads what the script prints: its start method and its figures. The function returns null where `python3` is not installed.

// %%
Spread RunPython(string script, out string startMethod, params string[] args)
{
    startMethod = null;
    var file = Path.Combine(Path.GetTempPath(), $"notebook-{Guid.NewGuid():N}.py");
    File.WriteAllText(file, script);
    try
    {
        using var python = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", [file, .. args]) { RedirectStandardOutput = true })!;
        var json = System.Text.Json.JsonDocument.Parse(python.StandardOutput.ReadToEnd()).RootElement;
        python.WaitForExit();
        startMethod = json.GetProperty("start").GetString();
        return Spread.Of(json.GetProperty("figures").EnumerateArray().Select(f => f.GetDouble()));
    }
    catch (System.ComponentModel.Win32Exception) { return null; }
    finally { File.Delete(file); }
}

// %% [markdown]
// CPython's version of the measurement above, run once with each start method (one untimed start first, which also starts forkserver's server), ten children back to back:

// %%
const string startCost = """
    import json, multiprocessing as mp, sys, time
    def nothing(): pass
    def start_join_ms():
        t = time.perf_counter(); p = mp.Process(target=nothing); p.start(); p.join()
        return (time.perf_counter() - t) * 1000
    if __name__ == '__main__':
        mp.set_start_method(sys.argv[1])
        start_join_ms()
        print(json.dumps({'start': mp.get_start_method(), 'figures': [start_join_ms() for _ in range(10)]}))
    """;
var cpythonFork = RunPython(startCost, out _, "fork");
var cpythonForkserver = RunPython(startCost, out _, "forkserver");
var cpythonSpawn = RunPython(startCost, out _, "spawn");
display(cpythonFork is null ? "python3 is not installed here, so there are no CPython figures." : $"CPython: fork {cpythonFork.ToString("G3")} ms, forkserver {cpythonForkserver.ToString("G3")} ms, spawn {cpythonSpawn.ToString("G3")} ms (median, then the range)");

// %% [markdown]
// Side by side, in milliseconds, with what the figures say. Where two ranges overlap, this run cannot tell which start was quicker, and the cell says so (rerun this section's cells):

// %%
string Quicker(string a, Spread x, string b, Spread y) =>
    x.Overlaps(y) ? $"the ranges of {a} and {b} overlap, so this run cannot tell which is quicker"
    : x.Median < y.Median ? $"{a} was {y.Median / x.Median:F1}× as quick as {b}"
    : $"{b} was {x.Median / y.Median:F1}× as quick as {a}";

Console.WriteLine($"In this run, {Quicker("the helpers' standby", standbyPaused, "their spawn", spawnBackToBack)} (one child after a pause, against spawn), and back to back {Quicker("standby", standbyBackToBack, "spawn", spawnBackToBack)}.");
Console.WriteLine(cpythonFork is null
    ? "No CPython figures: install python3 and rerun the cells above to compare."
    : $"Beside CPython: {Quicker("the helpers' standby after a pause", standbyPaused, "CPython's forkserver", cpythonForkserver)}; {Quicker("the helpers' standby after a pause", standbyPaused, "CPython's spawn", cpythonSpawn)}; {Quicker("CPython's fork", cpythonFork, "its spawn", cpythonSpawn)}.");
display(new[]
{
    ("the helpers, standby, after a pause", standbyPaused), ("the helpers, standby, back to back", standbyBackToBack), ("the helpers, spawn", spawnBackToBack),
    ("CPython, fork", cpythonFork), ("CPython, forkserver", cpythonForkserver), ("CPython, spawn", cpythonSpawn),
}.Where(r => r.Item2 is not null).ToTable("#,0.#"));

// %% [markdown]
// Whatever the start method, each child is a whole new runtime, and the machine pays for it once per child: `standby` only moves that work to before the child is asked for. This is why later notebooks reuse processes (a **pool** starts its workers once: [notebook 04](04-process-pools.ipynb)), and why, in .NET, plain **threads** ([notebook 05](05-creating-threads.ipynb)) are the first tool for parallel CPU work: without a GIL they already use every core.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The children run `Quit` and `Nap`, written in the sections above. The checks need one more `using`:

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ### 01.1 · Collect the exit codes · 收集退出码
//
// *Practises:* starting several children before waiting for any, and reading each one's `ExitCode` after `Join()`.
//
// Write `ExitCodes(n)`: start `n` children, child `i` running `Quit(i)` (from the exit-code section), wait for all of them, and return their exit codes in the children's order. Start them all before joining any, so that they run at the same time.
//
// <details><summary>Hint · 提示</summary>
//
// `new Process(Quit, i)` makes child `i`. Keep the children in a list, call `Start()` on each, then `Join()` on each; `ExitCode` is set once a child has been joined. `[.. children.Select(c => c.ExitCode)]` builds the array.
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
// Start a `Stopwatch` first. Join each child with what is left of the deadline, `Math.Max(0, seconds - clock.Elapsed.TotalSeconds)`, so that the whole wait stays within `seconds` however many children there are. Then `Terminate()` each child whose `IsAlive` is still true, and `Join()` every child: a terminated child ends at once.
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
// - In the subclass style the object's fields travel to the child as a copy: what the child changes there, the parent does not see.
// - `Join(timeout)` can return while the child still runs, so check `IsAlive` and `ExitCode`. Exit codes follow Python's rules: success, an unhandled exception, the code given to `Environment.Exit`, and minus the signal number after a kill.
// - `ActiveChildren()`, `CpuCount()`, `CurrentProcess()` and `ParentProcess()` are the note's debugging functions; `Environment.ProcessId` is `os.getpid()`.
// - .NET cannot fork, so every child is spawned and recreates the notebook's finished cells without running them. That is why a target in the running cell, a lambda and a function that reads a notebook variable are refused, and why arguments must be serializable.
// - Starting a process has a real cost, which the last cells measured on this machine beside CPython's `fork`, `forkserver` and `spawn`. The `standby` start method (the default) starts the next child ahead of time, as forkserver keeps a server ready; `SetStartMethod("spawn", force: true)` starts each child cold: pools reuse their workers for that reason, and in .NET threads are the first tool for parallel CPU work.
//
// **Documentation**
// - Python: [`multiprocessing.Process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process), [`Process.join`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.join), [`Process.exitcode`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.exitcode), [`active_children`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.active_children), [`cpu_count`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.cpu_count), [`current_process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.current_process), [`parent_process`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.parent_process), [start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods), [`set_start_method`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.set_start_method), [`os.getpid`](https://docs.python.org/3/library/os.html#os.getpid)
// - .NET: [`System.Diagnostics.Process`](https://learn.microsoft.com/dotnet/api/system.diagnostics.process), [`Environment.ProcessId`](https://learn.microsoft.com/dotnet/api/system.environment.processid), [`Environment.Exit`](https://learn.microsoft.com/dotnet/api/system.environment.exit), [`Thread.Sleep`](https://learn.microsoft.com/dotnet/api/system.threading.thread.sleep), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch), [`JsonDocument`](https://learn.microsoft.com/dotnet/api/system.text.json.jsondocument)

// %% [markdown]
// [⏪ 目录 · Contents](00-index.ipynb) · [02 · 进程间的通信 ⏩](02-inter-process-communication.ipynb)

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
