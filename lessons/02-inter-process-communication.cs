// Generated from notebooks/02-inter-process-communication.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/02-inter-process-communication.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/02-inter-process-communication.cs

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
using Helpers.Measure;                    // Spread: the median and range of repeated measurements
using Helpers.Notebook;   // Exercise.Check and Verdict: the self-checks
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 01 · 进程的创建](01-process-creation.ipynb) · [目录 · Contents](00-index.ipynb) · [03 · 进程的锁机制 ⏩](03-process-locks-and-shared-memory.ipynb)
//
// # 02 · 进程间的通信 · Inter-process communication
//
// Processes do not share memory: a variable changed in a child is not changed in the parent. They talk by sending messages. The note's section uses a `multiprocessing.Queue`; this notebook does that, then producers and consumers, timeouts, a `Pipe`, and what a message costs.
//
// What differs in .NET:
// - Items cross by **serialization** (System.Text.Json with a pickle-like contract, in place of pickle). An item that cannot cross (a stream, a thread) is refused by `Put` itself, in the process that put it.
// - The helpers' `Queue` keeps its items in **shared memory** guarded by semaphores, instead of CPython's pipe and feeder thread. `Put` has finished when it returns, so the classic CPython deadlock (joining a child that put a large item nobody has read yet) cannot happen here. It is shown below.
// - In C#, `Queue<T>` already means `System.Collections.Generic.Queue<T>` (an in-process queue). The setup cell writes `using mp = Helpers.Multiprocessing;`, Python's `import multiprocessing as mp`, and the code says `mp.Queue<T>`.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Send data from a child to its parent through a `mp.Queue<T>`, the note's example.
// - Run producers and consumers on one queue, stopping each consumer with a `null` signal, and check that every item arrived once.
// - Use timeouts and bounded queues: `EmptyException` and `FullException`, Python's `queue.Empty` and `queue.Full`.
// - Talk both ways through a `Pipe`, and see `Recv` end with `EndOfStreamException` (Python's `EOFError`) once every sending end is closed.
// - Measure what a message costs, beside CPython's `multiprocessing` in the same run.

// %% [markdown]
// **Setup.** The first cell builds the helpers (`Helpers.csproj` → `../bin/Helpers.dll`; a no-op when they are up to date), the second loads them. Run both first; after changing the helpers' source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

// %% [markdown]
// ## 队列 · The note's example: a child puts, the parent gets
//
// Python:
// ```python
// from multiprocessing import Process, Queue
//
// def f(q):
//     q.put([1, 2, 3])
//
// if __name__ == "__main__":
//     q = Queue()
//     p = Process(target=f, args=(q,))   # the child receives the queue
//     p.start()
//     print(q.get())                      # the parent takes what the child put
//     p.join()
// ```
// In C# the queue is typed: `mp.Queue<int[]>` carries arrays of ints (`mp.Queue<object>` would carry anything, as Python's does).

// %%
void F(mp.Queue<int[]> q) => q.Put([1, 2, 3]);

// %% [markdown]
// The parent creates the queue, gives it to the child as an argument, and takes what the child put:

// %%
var q = new mp.Queue<int[]>();
var p = new Process(F, q);
p.Start();
var fromChild = q.Get();
p.Join();
display(fromChild);

// %% [markdown]
// ## 生产者与消费者 · Producers and consumers
//
// A queue takes any number of writers and readers in any processes. Each item is delivered exactly once, and items from one producer come out in the order that producer put them. Here two producers each put 5 numbered items. Two consumers take items until they get the stop signal `null` (Python code usually sends `None`), and report what they took on a second queue: a `Taken` record with the consumer's name and its items.

// %%
// record Item: at the end of this file, where C# takes types.
// record Taken: at the end of this file, where C# takes types.

void Produce(mp.Queue<Item> items, string name, int count)
{
    for (var i = 0; i < count; i++)
        items.Put(new Item(name, i));
}

void Consume(mp.Queue<Item> items, mp.Queue<Taken> report)
{
    var taken = new List<Item>();
    while (items.Get() is { } item)   // null, the stop signal, ends the loop
        taken.Add(item);
    report.Put(new Taken(CurrentProcess().Name, [.. taken]));
}

// %% [markdown]
// The parent checks the reports against what the producers put: every item taken exactly once, and, within each consumer, each producer's items in the order they were put.

// %%
string Check(List<Taken> reports, int producers, int count)
{
    var taken = reports.SelectMany(r => r.Items).ToList();
    var once = taken.Count == producers * count && taken.Distinct().Count() == taken.Count;
    var inOrder = reports.All(r => r.Items.GroupBy(i => i.Producer).All(g => g.Select(i => i.Seq).SequenceEqual(g.Select(i => i.Seq).Order())));
    return $"{producers * count} items put, {taken.Count} taken: {(once ? "each exactly once" : "NOT each exactly once")}. "
         + $"Within each consumer, each producer's items came {(inOrder ? "in the order they were put" : "OUT OF ORDER")}.";
}

// %% [markdown]
// Start the consumers, then the producers. When the producers are done, one `null` per consumer stops the consumers; then the parent reads their reports and checks them:

// %%
var items = new mp.Queue<Item>();
var report = new mp.Queue<Taken>();
var producers = new[] { "a", "b" }.Select(n => new Process(Produce, items, n, 5) { Name = $"producer-{n}" }).ToList();
var consumers = Enumerable.Range(1, 2).Select(i => new Process(Consume, items, report) { Name = $"consumer-{i}" }).ToList();
consumers.ForEach(c => c.Start());
producers.ForEach(p => p.Start());
producers.ForEach(p => p.Join());
consumers.ForEach(_ => items.Put(null));   // one stop signal per consumer
consumers.ForEach(c => c.Join());
var reports = consumers.Select(_ => report.Get()).ToList();
Console.WriteLine(Check(reports, producers.Count, 5));
display(reports.Select(r => new { r.Consumer, Took = r.Items.Length, Items = string.Join(" ", r.Items.Select(i => $"{i.Producer}{i.Seq}")) }).ToTabularDataResource());

// %% [markdown]
// The first line is the check, computed from the reports; the table shows what each consumer took. Rerun the cell: how the items split between the consumers can change from run to run, because whichever consumer is free takes the next item.
//
// ## 超时 · Timeouts: `Empty` and `Full`
//
// `get(timeout=0.5)` waits at most half a second and then raises `queue.Empty`; `put` on a full bounded queue (`Queue(maxsize=2)`) raises `queue.Full`. In C# these are `EmptyException` and `FullException`.

// %%
var empty = new mp.Queue<int>();
var clock = System.Diagnostics.Stopwatch.StartNew();
try { empty.Get(timeout: 0.5); }
catch (EmptyException) { Console.WriteLine($"Empty after {clock.Elapsed.TotalSeconds:F2} s"); }

var bounded = new mp.Queue<int>(maxsize: 2);
bounded.Put(1);
bounded.Put(2);
Console.WriteLine($"Full() = {bounded.Full()}, Qsize() = {bounded.Qsize()}");
try { bounded.PutNowait(3); }
catch (FullException) { Console.WriteLine("Full: a third item does not fit"); }

// %% [markdown]
// ## Joining before reading · 先 join 再 get
//
// The CPython docs warn that this **deadlocks**:
// ```python
// def put_big(q):
//     q.put(b"x" * 16_000_000)
//
// p = Process(target=put_big, args=(q,)); p.start()
// p.join()        # hangs: the child waits until its feeder thread has pushed the data into a pipe nobody reads
// q.get()
// ```
// Here the item is in shared memory (items too large for the queue's buffer are spilled to a file beside it) by the time `Put` returns, so the child can exit before anyone reads the item. The child puts 16 MB:

// %%
void PutBig(mp.Queue<byte[]> q) => q.Put(new byte[16_000_000]);

// %% [markdown]
// The parent joins first and gets after; look for the exit code and the size of what it got:

// %%
var big = new mp.Queue<byte[]>();
var putter = new Process(PutBig, big);
putter.Start();
putter.Join();
Console.WriteLine($"joined: exit code {putter.ExitCode}; then got {big.Get().Length:N0} bytes");

// %% [markdown]
// ## 管道 · Pipe
//
// `Pipe()` gives two connected ends. Each end can `send` and `recv` objects (or `send_bytes`/`recv_bytes`). In the usual idiom the parent keeps one end and gives the other to a child.
// ```python
// from multiprocessing import Pipe
//
// def shout(conn):
//     while (msg := conn.recv()) is not None:
//         conn.send(msg.upper())
//
// mine, theirs = Pipe()
// p = Process(target=shout, args=(theirs,)); p.start()
// mine.send("ping"); print(mine.recv())    # PING
// mine.send(None); p.join()
// ```

// %%
void Shout(mp.Connection conn)
{
    while (conn.Recv() is string message)
        conn.Send(message.ToUpperInvariant());
}

// %% [markdown]
// The parent keeps `mine`, gives `theirs` to the child, and sends `null` to stop it:

// %%
var (mine, theirs) = mp.Pipe.Create();
var shouter = new Process(Shout, theirs);
shouter.Start();
foreach (var word in new[] { "ping", "pong", "你好" })
{
    mine.Send(word);
    Console.WriteLine($"sent {word}, got {mine.Recv()}");
}
mine.Send(null);
shouter.Join();

// %% [markdown]
// When every sending end is closed, whether by `close()`, by the end of its process or by a crash, `recv` on the other end first returns what is left and then raises `EOFError` (C#: `EndOfStreamException`). `Pipe(duplex=False)` gives a receiving end and a sending end:

// %%
void Countdown(mp.Connection conn)
{
    for (var n = 3; n > 0; n--)
        conn.Send(n);
}   // returns without closing: the end closes with the process

// %% [markdown]
// The parent closes its copy of the child's end, then reads until `EndOfStreamException`:

// %%
var (reader, writer) = mp.Pipe.Create(duplex: false);
var counter = new Process(Countdown, writer);
counter.Start();
writer.Close();   // the parent's copy of the child's end: close it, as in Python
try
{
    while (true) Console.WriteLine($"recv → {reader.Recv()}");
}
catch (EndOfStreamException) { Console.WriteLine("EOF: the child has exited"); }
counter.Join();

// %% [markdown]
// ## What a message costs · 一条消息的代价
//
// Two measurements, each run three times to show how much they vary, then the same two with CPython's `multiprocessing`, in the same run on this machine (when `python3` is installed):
// - **Throughput**: a child puts 100 000 small ints, and the parent gets them. The first is not timed: it waits for the child to start.
// - **Round trip**: a message to a child and back through a `Pipe`, 10 000 times, each timed, after 5 000 untimed ones (.NET compiles hot code again, optimized, after its first few thousand calls). A run's figure is its median trip, so that the few trips that other work on the machine delays do not decide it.
//
// The children's functions:

// %%
void Flood(mp.Queue<int> q, int n)
{
    for (var i = 0; i < n; i++) q.Put(i);
}

void Echo(mp.Connection conn)
{
    while (conn.Recv() is long x) conn.Send(x);
}

// %% [markdown]
// In the parent, one function per measurement. The first returns messages a second:

// %%
double QueueRate(int n)
{
    using var queue = new mp.Queue<int>();
    var flooder = new Process(Flood, queue, n);
    flooder.Start();
    queue.Get();   // the first item: the child is up and running
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (var i = 1; i < n; i++) queue.Get();
    var perSecond = (n - 1) / clock.Elapsed.TotalSeconds;
    flooder.Join();
    return perSecond;
}

// %% [markdown]
// The second returns the median round trip in microseconds, for each of several runs:

// %%
Spread PipeRoundTrip(int trips, int rounds)
{
    var (near, far) = mp.Pipe.Create();
    var echo = new Process(Echo, far);
    echo.Start();
    for (long i = 0; i < 5_000; i++) { near.Send(i); near.Recv(); }   // warm-up: the JIT optimizes hot code after a while
    var medians = new List<double>();
    for (var r = 0; r < rounds; r++)
        medians.Add(Spread.Of(Enumerable.Range(0, trips).Select(i => 1e6 * Trials.Seconds(() => { near.Send((long)i); near.Recv(); }))).Median);
    near.Send(null);
    echo.Join();
    return Spread.Of(medians);
}

// %% [markdown]
// Both, three times each:

// %%
var helpersQueue = Spread.Of(Enumerable.Range(0, 3).Select(_ => QueueRate(100_000)));
var helpersPipe = PipeRoundTrip(10_000, rounds: 3);
display($"helpers: queue {helpersQueue.ToString("N0")} messages/s, pipe round trip {helpersPipe.ToString("F1")} µs (median of the 3 runs, then their range)");

// %% [markdown]
// CPython's side needs `python3`. A small function runs a Python script from a file (a `spawn` child imports the script's file again to find the function it runs; a `python3 -c` script has no file) and reads what the script prints: its start method and its figures. The function returns null where `python3` is not installed.

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
// CPython's queue, measured as above, with its default start method:

// %%
var cpythonQueue = RunPython("""
    import json, multiprocessing as mp, time
    def flood(q, n):
        for i in range(n): q.put(i)
    def rate(n):
        q = mp.Queue(); p = mp.Process(target=flood, args=(q, n)); p.start(); q.get()
        t = time.perf_counter()
        for _ in range(n - 1): q.get()
        r = (n - 1) / (time.perf_counter() - t); p.join(); return r
    if __name__ == '__main__':
        print(json.dumps({'start': mp.get_start_method(), 'figures': [rate(100_000) for _ in range(3)]}))
    """, out var startMethod);
display(cpythonQueue is null ? "python3 is not installed here, so there are no CPython figures." : $"CPython ({startMethod}): queue {cpythonQueue.ToString("N0")} messages/s (median of the 3 runs, then their range)");

// %% [markdown]
// And CPython's pipe round trip:

// %%
var cpythonPipe = RunPython("""
    import json, multiprocessing as mp, statistics, time
    def echo(c):
        while (x := c.recv()) is not None: c.send(x)
    def median_trip_us(a, trips):
        times = []
        for i in range(trips):
            t = time.perf_counter(); a.send(i); a.recv(); times.append(time.perf_counter() - t)
        return statistics.median(times) * 1e6
    if __name__ == '__main__':
        a, b = mp.Pipe(); p = mp.Process(target=echo, args=(b,)); p.start(); median_trip_us(a, 5_000)
        figures = [median_trip_us(a, 10_000) for _ in range(3)]; a.send(None); p.join()
        print(json.dumps({'start': mp.get_start_method(), 'figures': figures}))
    """, out startMethod);
display(cpythonPipe is null ? "python3 is not installed here, so there are no CPython figures." : $"CPython ({startMethod}): pipe round trip {cpythonPipe.ToString("F1")} µs (median of the 3 runs, then their range)");

// %% [markdown]
// A function to read two figures: it says which was faster, and by how much; where the two ranges overlap, it says that this run cannot tell.

// %%
string Faster(string what, Spread helpers, Spread cpython, bool moreIsFaster)
{
    if (helpers.Overlaps(cpython)) return $"{what}: the two ranges overlap, so this run cannot tell which is faster (rerun this section's cells).";
    var helpersWin = (helpers.Median > cpython.Median) == moreIsFaster;
    var ratio = Math.Max(helpers.Median, cpython.Median) / Math.Min(helpers.Median, cpython.Median);
    return $"{what}: {(helpersWin ? "the helpers'" : "CPython's")} was {ratio:F1}× as fast as {(helpersWin ? "CPython's" : "the helpers'")}.";
}

// %% [markdown]
// Why they can differ: in the helpers, a queue and a pipe move each message through shared memory, with no system call to copy it; what is left is serializing the message (JSON) and waking the process that waits for it. CPython's queue and pipe move every message through an operating-system pipe (a socket pair for a two-way `Pipe`), with a system call to write it and another to read it, and its queue hands each item to a feeder thread first. Which costs more on this machine is for the figures to say, side by side:

// %%
Console.WriteLine(cpythonQueue is null || cpythonPipe is null
    ? "No CPython figures: install python3 and rerun the cells above to compare."
    : Faster("Queue throughput", helpersQueue, cpythonQueue, moreIsFaster: true) + "\n" + Faster("Pipe round trip", helpersPipe, cpythonPipe, moreIsFaster: false));
display(new[]
{
    new { Measure = "queue, messages/s (more is faster)", Helpers = helpersQueue.ToString("N0"), CPython = cpythonQueue?.ToString("N0") ?? "-" },
    new { Measure = "pipe round trip, µs (less is faster)", Helpers = helpersPipe.ToString("F1"), CPython = cpythonPipe?.ToString("F1") ?? "-" },
}.ToTabularDataResource());

// %% [markdown]
// For more throughput, send fewer and larger messages (a batch of 1 000 numbers instead of 1 000 messages). `tests/Benchmarks` measures the same in Release builds, beside CPython's spawn and fork.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need one more `using`, and two small functions that put numbers and a stop signal on a queue, and take numbers until the stop signal (waiting at most half a minute for each, so that a lost signal cannot hang a check):

// %%
void PutAll(mp.Queue<int?> q, IEnumerable<int> numbers) { foreach (var x in numbers) q.Put(x); q.Put(null); }
List<int> TakeAll(mp.Queue<int?> q) { var got = new List<int>(); while (q.Get(timeout: 30) is int x) got.Add(x); return got; }

// %% [markdown]
// ### 02.1 · One stage of a pipeline · 流水线的一级
//
// *Practises:* a consumer loop that ends on the stop signal `null`, and passing the signal on so that the next stage ends too.
//
// Write `Twice(input, output)`, a stage that a child runs: take numbers from `input` until it gets `null`, put each number doubled on `output` in the order they came, and at the end put the `null` on `output` too.
//
// <details><summary>Hint · 提示</summary>
//
// `while (input.Get() is int x) output.Put(2 * x);` ends when `Get()` returns `null`, as `Consume` above does. After the loop, `output.Put(null)`: without it the next stage waits for ever.
// </details>

// %%
// A pipeline stage, run by a child: doubles each number until the stop signal, then passes the signal on.
void Twice(mp.Queue<int?> input, mp.Queue<int?> output)
{
    // BEGIN SOLUTION
    while (input.Get() is int x)
        output.Put(2 * x);
    output.Put(null);
    // END SOLUTION
}

// %% [markdown]
// The check calls `Twice` here first, in this process, on a few numbers; then it chains two children of it, so that every number comes out four times as large:

// %%
display(Exercise.Check("02.1", "Twice puts 2·x on output for each x it takes from input, in order, then the null", () =>
{
    using var a = new mp.Queue<int?>(); using var b = new mp.Queue<int?>(); using var c = new mp.Queue<int?>();
    PutAll(a, [1, 2, 3]);
    Twice(a, b);                                                    // first here, in this process
    var here = TakeAll(b);
    if (!here.SequenceEqual([2, 4, 6])) return Verdict.Fail($"given 1, 2, 3 and null, Twice put {Exercise.Show(here)}; expected [2, 4, 6] and then null.");
    var stages = new[] { new Process(Twice, a, b), new Process(Twice, b, c) };   // then two children in a row
    foreach (var s in stages) s.Start();
    PutAll(a, Enumerable.Range(1, 100));
    var got = TakeAll(c);
    foreach (var s in stages) s.Join(timeout: 30);
    return got.SequenceEqual(Enumerable.Range(1, 100).Select(x => 4 * x)) && stages.All(s => s.ExitCode == 0)
        ? Verdict.Pass($"alone, Twice doubled [1, 2, 3]; as two chained children it turned 1 … 100 into 4 … 400, all {got.Count} in order, and both stages exited with 0.")
        : Verdict.Fail($"two chained children turned 1 … 100 into {got.Count} items starting {Exercise.Show(got.Take(5))}, exit codes {Exercise.Show(stages.Select(s => s.ExitCode))}; expected 4, 8, 12, … all 100 in order, and 0s.");
}));

// %% [markdown]
// ### 02.2 · The whole pipeline, nothing lost · 完整的流水线
//
// *Practises:* wiring processes with queues, sending the stop signal once at the head of a pipeline and reading until it comes out at the end, and disposing of the queues.
//
// Write `Quadruple(items)`: build the pipeline of the check above yourself, two children running `Twice` one after the other; feed it `items` and the stop signal, collect what comes out until the stop signal, join both children, and return what came out. Dispose of every queue you create: the check counts the shared objects left behind.
//
// <details><summary>Hint · 提示</summary>
//
// Three queues: into the first stage, between the stages, out of the second. `using var q = new mp.Queue<int?>();` disposes a queue when the function returns. Read the last queue (`while (last.Get() is int y)`) before you join: a stage ends only once the stop signal has gone through it.
// </details>

// %%
// Sends items through two children of Twice; returns what comes out, in order.
List<int> Quadruple(int[] items)
{
    // BEGIN SOLUTION
    using var first = new mp.Queue<int?>(); using var middle = new mp.Queue<int?>(); using var last = new mp.Queue<int?>();
    var stages = new[] { new Process(Twice, first, middle), new Process(Twice, middle, last) };
    foreach (var s in stages) s.Start();
    foreach (var x in items) first.Put(x);
    first.Put(null);
    var result = new List<int>();
    while (last.Get() is int y) result.Add(y);
    foreach (var s in stages) s.Join();
    return result;
    // END SOLUTION
}

// %% [markdown]
// The check sends a few hundred numbers through your pipeline and compares what comes out, item by item:

// %%
display(Exercise.Check("02.2", "Quadruple(items) returns 4·x for every item, in order, and leaves no queue undisposed", () =>
{
    var numbers = Enumerable.Range(1, 500).ToArray();
    var got = Quadruple(numbers);
    var expected = numbers.Select(x => 4 * x).ToList();
    return got is not null && got.SequenceEqual(expected)
        ? Verdict.Pass($"{numbers.Length} items in, {got.Count} out, each four times as large and in order: none lost, none repeated.")
        : Verdict.Fail($"expected {expected.Count} items, 4·x in order; got {got?.Count ?? 0}, starting {Exercise.Show(got?.Take(5))}.");
}));

// %% [markdown]
// ## 小结 · Summary
//
// - Processes share no variables; they send messages, serialized on the way (System.Text.Json with a pickle-like contract here, pickle in CPython). An item that cannot cross is refused by `Put` in the process that puts it.
// - A queue takes any number of producers and consumers: every item is delivered once, one producer's items keep their order (the notebook checked both on its run), and how the items split between consumers can change from run to run.
// - `Get(timeout)` raises `EmptyException` and a full bounded queue raises `FullException`, Python's `queue.Empty` and `queue.Full`.
// - The helpers' `Put` has finished when it returns, so joining a child before reading what it put does not deadlock, as it does in CPython.
// - A `Pipe` joins two ends that both send and receive; once every sending end is closed, `Recv` returns what is left and then raises `EndOfStreamException`.
// - The last cells measured a queue's throughput and a pipe's round trip on this machine, three times each, beside CPython's when `python3` is installed, and said which was faster in this run, or that the run could not tell; to move more data, send fewer and larger messages.
//
// **Documentation**
// - Python: [`multiprocessing.Queue`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Queue), [`queue.Empty`](https://docs.python.org/3/library/queue.html#queue.Empty), [`queue.Full`](https://docs.python.org/3/library/queue.html#queue.Full), [`multiprocessing.Pipe`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Pipe), [`Connection`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.connection.Connection), [`pickle`](https://docs.python.org/3/library/pickle.html)
// - .NET: [`System.Text.Json`](https://learn.microsoft.com/dotnet/api/system.text.json), [`EndOfStreamException`](https://learn.microsoft.com/dotnet/api/system.io.endofstreamexception), [`System.Diagnostics.Process`](https://learn.microsoft.com/dotnet/api/system.diagnostics.process), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch), [`JsonDocument`](https://learn.microsoft.com/dotnet/api/system.text.json.jsondocument)

// %% [markdown]
// [⏪ 01 · 进程的创建](01-process-creation.ipynb) · [目录 · Contents](00-index.ipynb) · [03 · 进程的锁机制 ⏩](03-process-locks-and-shared-memory.ipynb)

// %% [markdown]
// The types written in the cells above: C# takes a file's types only after its top-level statements.

// %%
record Item(string Producer, int Seq);

record Taken(string Consumer, Item[] Items);
