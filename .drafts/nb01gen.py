import sys; sys.path.insert(0,'/tmp/gen')
from nb import *
cells=[md("""
# 01 · 进程的创建 · Creating processes

The study note starts with `multiprocessing.Process`: a function (or a subclass's `run`) that runs in a **new operating-system process** with its own PID and its own memory. This notebook does the same from C#, for real: every `Process` below is a separate `dotnet` process started by the helpers in `../helpers/Multiprocessing/`.

What differs in .NET, in one breath:
- **No fork, only spawn.** .NET cannot `fork()` a running runtime, so every child is spawned fresh (CPython's `spawn` start method, the default on Windows and macOS). The child loads the code and receives the arguments serialized; nothing else of the parent's memory is there.
- **No GIL.** In .NET, threads of one process already run in parallel; processes are for isolation (a crash or a `kill` takes down only the child), not for getting around a lock.
- **Notebook code reaches the child.** A method written in an *earlier* cell runs in a child (CPython's spawn cannot do this: `Can't get attribute 'f' on <module '__main__'>`).
"""),
*SETUP,
md("""
## 函数创建的方式 · Function style

Python:
```python
from multiprocessing import Process
import os

def greet(who, times):
    for i in range(times):
        print(f"hello {who} #{i} from pid {os.getpid()}")

if __name__ == "__main__":
    p = Process(target=greet, args=("student", 3))
    p.start()
    p.join()
```
In C# the target is a **static** method. It is defined in its own cell, because a child can only load cells that have finished running.
"""),
cs("""
static void Greet(string who, int times)
{
    for (var i = 0; i < times; i++)
        Console.WriteLine($"hello {who} #{i} from pid {Environment.ProcessId}");
}
"""),
md("""
`Start()` spawns the child and returns at once; `Join()` waits for it. The child's output appears here, each line tagged with the process name. The last line of the cell displays the process itself: name, pid, whether it is alive, and its exit code.
"""),
cs("""
var p = new Process(Greet, "student", 3);
p.Start();
p.Join();
Console.WriteLine($"parent pid {Environment.ProcessId}, child pid {p.Pid}");
p
"""),
md("""
Python's `kwargs` are `Kwargs`, bound by parameter name; the binding is checked in the parent when `Start()` runs, so a typo fails here rather than in the child. Python's `name=` is `Name`.
"""),
cs("""
var q = new Process(Greet, "class") { Name = "greeter", Kwargs = { ["times"] = 2 } };
q.Start();
q.Join();
q
"""),
md("""
## 类继承的方式 · Subclass style

Python:
```python
class Countdown(Process):
    def __init__(self, start):
        super().__init__()
        self.start_at = start

    def run(self):                      # called in the child
        for n in range(self.start_at, 0, -1):
            print(n)
```
In C#, derive from `Process` and override `Run()`. The fields set by the constructor travel to the child, as CPython's spawn pickles the object: the child gets a copy, and changes it makes there are not seen by the parent.
"""),
cs("""
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
"""),
cs("""
var countdown = new Countdown(3);
countdown.Start();
countdown.Join();
countdown
"""),
md("""
## join(timeout)

`p.join(timeout)` returns after at most `timeout` seconds **whether or not the child has finished**; `is_alive()` and `exitcode` tell which. Here the child sleeps for a minute, so after a half-second join it is still alive, and `exitcode` is `None` (C#: `null`). `Terminate()` sends SIGTERM (on Windows, TerminateProcess), and the exit code becomes −15, as in Python.
"""),
cs("""
static void Nap(double seconds) => Thread.Sleep(TimeSpan.FromSeconds(seconds));
"""),
cs("""
var sleeper = new Process(Nap, 60.0);
sleeper.Start();
sleeper.Join(0.5);
Console.WriteLine($"after Join(0.5): IsAlive={sleeper.IsAlive}, ExitCode={sleeper.ExitCode?.ToString() ?? "null"}");
sleeper.Terminate();
sleeper.Join();
Console.WriteLine($"after Terminate(): IsAlive={sleeper.IsAlive}, ExitCode={sleeper.ExitCode}");
"""),
md("""
## 调试相关的函数 · active_children, cpu_count, pids

- `multiprocessing.active_children()` → `ActiveChildren()`: the children still running (finished ones are reaped).
- `multiprocessing.cpu_count()` → `CpuCount()`: how many processes can really run at once.
- `os.getpid()` → `Environment.ProcessId`; in a child, `os.getppid()` / `parent_process().pid` → `ParentProcess()!.Pid`.
"""),
cs("""
var nappers = Enumerable.Range(0, 3).Select(_ => new Process(Nap, 60.0) { Daemon = true }).ToList();
nappers.ForEach(n => n.Start());
Console.WriteLine($"cpu_count = {CpuCount()}, this process: {CurrentProcess().Name}, pid {Environment.ProcessId}");
ActiveChildren()
"""),
cs("""
nappers.ForEach(n => n.Terminate());
nappers.ForEach(n => n.Join());
ActiveChildren()
"""),
md("""
A child sees itself through `CurrentProcess()` and its parent through `ParentProcess()` (in the main program that is `null`, as Python's `parent_process()` is `None`).
"""),
cs("""
static void ShowFamily()
{
    var me = CurrentProcess();
    var parent = ParentProcess()!;
    Console.WriteLine($"I am {me.Name} (pid {me.Pid}); my parent is {parent.Name} (pid {parent.Pid})");
}
"""),
cs("""
var child = new Process(ShowFamily);
child.Start();
child.Join();
Console.WriteLine($"parent says: my pid is {Environment.ProcessId}, ParentProcess() here is {(ParentProcess() is null ? "null" : "set")}");
"""),
md("""
## Exit codes · 退出码

As in Python: 0 on success; 1 after an unhandled exception, whose trace the child prints on its standard error (shown here in the stderr stream); the code given to `Environment.Exit(n)` (Python's `sys.exit(n)`); −N after a kill by signal N.
"""),
cs("""
static void Fail(string why) => throw new InvalidOperationException(why);
static void Quit(int code) => Environment.Exit(code);
"""),
cs("""
var failing = new Process(Fail, "something went wrong") { Name = "failing" };
var quitting = new Process(Quit, 3) { Name = "quitting" };
var killed = new Process(Nap, 60.0) { Name = "killed" };
foreach (var x in new[] { failing, quitting, killed }) x.Start();
killed.Kill();
foreach (var x in new[] { failing, quitting, killed }) x.Join();
new[] { failing, quitting, killed }
"""),
md("""
## Why an earlier cell · 为什么要在前面的单元格定义

A child is a new `dotnet` process: it can run only code it can load. Compiled code is loaded from its DLL; a notebook cell exists only in the kernel's memory, so the helpers emit each *finished* cell as an assembly image and hand it to the child. Three things therefore cannot work, and each gives an immediate error saying what to do:
- a target defined in the cell that is running now,
- a lambda (its code and captured variables live only in this process),
- a method declared without `static` in a cell (it could read notebook variables, which the child does not have).
"""),
cs("""
var limit = 3;
try { new Process(() => Console.WriteLine(limit)); }
catch (ArgumentException e) { Console.WriteLine(e.Message); }

void NotStatic() { }
try { new Process(NotStatic); }
catch (ArgumentException e) { Console.WriteLine(e.Message); }
"""),
md("""
Arguments cross by serialization, so something that stands for a resource of this process (a stream, a thread, a delegate) cannot be an argument; `Start()` refuses it and names it:
"""),
cs("""
static void Consume(object resource) { }
"""),
cs("""
try { new Process(Consume, new MemoryStream()).Start(); }
catch (ArgumentException e) { Console.WriteLine(e.Message); }
"""),
md("""
## What a process costs · 启动一个进程的代价

Spawning is not free: a new runtime starts, loads the code and reads its arguments. CPython on the same kind of machine takes about 1.7 ms with `fork`, 7 ms with `forkserver` and 55 ms with `spawn`. Measured here, start + join of a child that does nothing:
"""),
cs("""
static void Nothing() { }
"""),
cs("""
var times = new List<double>();
for (var i = 0; i < 10; i++)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var n = new Process(Nothing);
    n.Start();
    n.Join();
    times.Add(clock.Elapsed.TotalMilliseconds);
}
times.Sort();
$"start + join of one child: median {times[times.Count / 2]:F0} ms (min {times[0]:F0}, max {times[^1]:F0}) over {times.Count} runs"
"""),
md("""
This is why later notebooks reuse processes (a **pool** starts its workers once), and why, in .NET, plain **threads** are the first tool for parallel CPU work: without a GIL they already use every core.
"""),
]
write(sys.argv[1], cells)
