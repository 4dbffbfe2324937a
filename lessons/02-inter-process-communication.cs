// Generated from notebooks/02-inter-process-communication.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/02-inter-process-communication.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/02-inter-process-communication.cs

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
// [← 01 · 进程的创建](01-process-creation.ipynb) · [目录 · Contents](00-index.ipynb) · [03 · 进程的锁机制 →](03-process-locks-and-shared-memory.ipynb)
//
// # 02 · 进程间的通信 · Inter-process communication
//
// Processes do not share memory: a variable changed in a child is not changed in the parent. They talk by sending messages. The note's section uses a `multiprocessing.Queue`; this notebook does that, then producers and consumers, timeouts and a `Pipe`. Two optional sections go deeper: joining a child before reading what it put, and what a message costs.
//
// What differs in .NET:
// - Items cross by **serialization** (System.Text.Json with a pickle-like contract, in place of pickle). An item that cannot cross (a stream, a thread) is refused by `Put` itself, in the process that put it. (CPython pickles in the queue's feeder thread: there `put` returns, and that thread prints the error.)
// - The helpers' `Queue` keeps its items in **shared memory** guarded by semaphores, instead of CPython's pipe and feeder thread. An item is in the queue when `Put` returns, so a child that put one large item nobody has read yet can exit, and be joined; in CPython that join is a documented deadlock. A `Put` that waits for room (a full bounded queue, or a buffer full of unread items) still keeps its child from ending, so read before you join, as the Python docs advise.
// - In C#, `Queue<T>` already means `System.Collections.Generic.Queue<T>` (an in-process queue). The setup cell writes `using mp = Helpers.Multiprocessing;`, Python's `import multiprocessing as mp`, and the code says `mp.Queue<T>`.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Send data from a child to its parent through a `mp.Queue<T>`, the note's example.
// - Run producers and consumers on one queue, stopping each consumer with a `null` signal, and check that every item arrived once.
// - Use timeouts and bounded queues: `EmptyException` and `FullException`, Python's `queue.Empty` and `queue.Full`.
// - Talk both ways through a `Pipe`, and see `Recv` end with `EndOfStreamException` (Python's `EOFError`) once every sending end is closed.
// - *Going deeper, optional:* why CPython hangs when a child that put a large item is joined before the item is read, and what a message costs, beside CPython's `multiprocessing` in the same run.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");

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
// A queue takes any number of writers and readers in any processes. Each item is delivered exactly once, and items from one producer come out in the order that producer put them; items of different producers may interleave in any order. (The Python docs promise the same of CPython's queue.) Here two producers each put 5 numbered items. Two consumers take items until they get the stop signal `null` (Python code usually sends `None`), and report what they took on a second queue: a `Taken` record with the consumer's name and its items.

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
// Start the consumers, then the producers. When the producers are done, one `null` per consumer stops the consumers. The parent reads the consumers' reports before it joins them, the order the Python docs ask for with any child that put items on a queue (their guideline "Joining processes that use queues"); then it checks the reports:

// %%
var items = new mp.Queue<Item>();
var report = new mp.Queue<Taken>();
var producers = new[] { "a", "b" }.Select(n => new Process(Produce, items, n, 5) { Name = $"producer-{n}" }).ToList();
var consumers = Enumerable.Range(1, 2).Select(i => new Process(Consume, items, report) { Name = $"consumer-{i}" }).ToList();
consumers.ForEach(c => c.Start());
producers.ForEach(p => p.Start());
producers.ForEach(p => p.Join());
consumers.ForEach(_ => items.Put(null));   // one stop signal per consumer
var reports = consumers.Select(_ => report.Get()).ToList();   // first read what the consumers put, then join them
consumers.ForEach(c => c.Join());
Console.WriteLine(Check(reports, producers.Count, 5));
display(reports.Select(r => new { r.Consumer, Took = r.Items.Length, Items = string.Join(" ", r.Items.Select(i => $"{i.Producer}{i.Seq}")) }).ToTabularDataResource());

// %% [markdown]
// The first line is the check, computed from the reports; the table shows what each consumer took. Rerun the cell and look at how the items split between the consumers: it can change from run to run, because whichever consumer is free takes the next item.
//
// ## 超时 · Timeouts: `Empty` and `Full`
//
// `get(timeout=0.5)` waits at most half a second and then raises `queue.Empty`. `put` on a full bounded queue (`Queue(maxsize=2)`) waits for room; it raises `queue.Full` when it may not wait (`put_nowait`, or `block=False`) or when its timeout passes. Both exceptions come from Python's `queue` module, not from `multiprocessing`. In C# they are `EmptyException` and `FullException`. `qsize()` and `full()` are only approximate while other processes use the queue, the docs warn; here nobody else does. Look for how long the `Get` waited, and for the full queue refusing a third item:

// %%
var empty = new mp.Queue<int>();
var clock = System.Diagnostics.Stopwatch.StartNew();
try { empty.Get(timeout: 0.5); }
catch (mp.EmptyException) { Console.WriteLine($"Empty after {clock.Elapsed.TotalSeconds:F2} s"); }

var bounded = new mp.Queue<int>(maxsize: 2);
bounded.Put(1);
bounded.Put(2);
Console.WriteLine($"Full() = {bounded.Full()}, Qsize() = {bounded.Qsize()}");
try { bounded.PutNowait(3); }
catch (mp.FullException) { Console.WriteLine("Full: a third item does not fit"); }

// %% [markdown]
// ## 深入 · Going deeper: joining before reading · 先 join 再 get
//
// *Optional.* A difference between CPython's queue and the helpers', for when there is time; the cells after this section use nothing defined in it.
//
// The CPython docs warn that this **deadlocks** (programming guidelines, "Joining processes that use queues"):
// ```python
// def put_big(q):
//     q.put(b"x" * 16_000_000)
//
// p = Process(target=put_big, args=(q,)); p.start()
// p.join()        # hangs: the child waits until its feeder thread has pushed the data into a pipe nobody reads
// q.get()
// ```
// A process that put items on a CPython queue does not end until its feeder thread has written them all into the queue's pipe, and a pipe takes only so much before someone reads it. Swapping the last two lines fixes it. Here the item is in shared memory (an item larger than half the queue's 4 MiB buffer is spilled to a file beside it) by the time `Put` returns, so the child can exit before anyone reads the item. The child puts 16 MB:

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
// `Pipe()` gives two connected ends, two-way by default (`duplex=True`). Each end can `send` and `recv` objects (or `send_bytes`/`recv_bytes`). In the usual idiom the parent keeps one end and gives the other to a child. Two processes (or threads) must not use the *same* end at the same time: the Python docs warn that the data may be corrupted.
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
// When every sending end is closed, whether by `close()`, by the end of its process or by a crash, `recv` on the other end first returns what is left and then raises `EOFError` (C#: `EndOfStreamException`). `Pipe(duplex=False)` gives two one-way ends: the first only receives, the second only sends. The child gets the sending end:

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
// ## 深入 · Going deeper: what a message costs · 一条消息的代价
//
// *Optional.* This section does not fit in a 45-minute class: take it when there is time, or after class. The exercises below use nothing defined in it.
//
// Two measurements, the helpers beside CPython's `multiprocessing` in the same run on this machine (when `python3` is installed), each done the same way on both sides:
// - **Throughput**: a new child puts 100 000 small ints on a queue, and the parent gets them. The first is not timed: it waits for the child to start. The figure is the time a message, in microseconds.
// - **Round trip**: a message to a new child and back through a `Pipe`, 10 000 times, after 2 000 untimed ones (.NET first compiles a method quickly, without optimizing, and compiles it again, optimized, once it has been called often: tiered compilation). The figure is the mean trip, in microseconds.
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
// In the parent, one function per measurement, each returning microseconds. The first, the time a message through a queue:

// %%
double QueueMicroseconds(int n)
{
    using var queue = new mp.Queue<int>();
    var flooder = new Process(Flood, queue, n);
    flooder.Start();
    queue.Get();   // the first item: the child is up and running
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (var i = 1; i < n; i++) queue.Get();
    var micros = 1e6 * clock.Elapsed.TotalSeconds / (n - 1);
    flooder.Join();
    return micros;
}

// %% [markdown]
// The second, the mean round trip through a pipe:

// %%
double PipeRoundTripMicroseconds(int trips, int warmUp)
{
    var (near, far) = mp.Pipe.Create();
    var echo = new Process(Echo, far);
    echo.Start();
    for (long i = 0; i < warmUp; i++) { near.Send(i); near.Recv(); }   // untimed
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (long i = 0; i < trips; i++) { near.Send(i); near.Recv(); }
    var micros = 1e6 * clock.Elapsed.TotalSeconds / trips;
    near.Send(null);
    echo.Join();
    return micros;
}

// %% [markdown]
// CPython's side runs in one `python3` process, with the platform's default start method (see [notebook 01](01-process-creation.ipynb#start-methods); the output names it), through `Helpers.Measure.CPython`: it runs the same two measurements inside CPython (`cpython.py`, beside `Helpers.dll`), each with a new child, as above. The helpers and CPython take turns, 10 rounds each, in an order that changes from round to round, so that a burst of other work hits both alike:

// %%
var python = CPython.TryStart(out var noPython);
var sides = python is null ? new[] { "helpers" } : new[] { "helpers", $"CPython ({python.StartMethod})" };
var queueCost = Trials.Interleaved(sides, side => side == "helpers" ? QueueMicroseconds(100_000) : 1e6 / python.QueueItemsPerSecond(100_000), rounds: 10);
var pipeCost = Trials.Interleaved(sides, side => side == "helpers" ? PipeRoundTripMicroseconds(10_000, 2_000) : python.PipeRoundTripMicroseconds(10_000, 2_000), rounds: 10);
python?.Dispose();
Console.WriteLine(python is null ? noPython : $"CPython {python.Version}, start method {python.StartMethod}, beside the helpers.");
display(queueCost.Select(m => ($"{m.Input}: queue, µs a message", m.Result)).Concat(pipeCost.Select(m => ($"{m.Input}: pipe, µs a round trip", m.Result))).ToTable("F2"));

// %% [markdown]
// Why they can differ: in the helpers, a queue and a pipe move each message through shared memory, with no system call to copy it; what is left is encoding the message (an `int`'s bytes as they are, JSON for other objects) and waking the process that waits for it, if it sleeps. CPython's queue and pipe pickle every message and move it through an operating-system pipe (a socket pair for a two-way `Pipe`), with a system call to write it and another to read it, and its queue hands each item to a feeder thread first. Which costs more on this machine is for the figures to say. The cell below reads them by the rule of [notebook 01](01-process-creation.ipynb#start-methods): a difference is called only when nearly every pairing of one side's rounds with the other's agrees.

// %%
Console.WriteLine(python is null
    ? "No CPython figures: install python3 and rerun the cells above to compare."
    : "A message: " + Difference.Of("the helpers' queue", queueCost[0].Result, "CPython's queue", queueCost[1].Result).Reading("µs", "F2", "was quicker than") + "\n"
      + "A round trip: " + Difference.Of("the helpers' pipe", pipeCost[0].Result, "CPython's pipe", pipeCost[1].Result).Reading("µs", "F2", "was quicker than"));

// %% [markdown]
// Every message has a fixed cost on top of its bytes, so to move more data, send fewer and larger messages (a batch of 1 000 numbers instead of 1 000 messages). `tests/Benchmarks` (`dotnet run -c Release --project tests/Benchmarks`) measures the same with more messages, beside CPython's `spawn`, `forkserver` and `fork`.
//
// *End of the optional section.*

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up, kills the child processes your code left, and names any shared object left undisposed. Until you write a solution, the check says *not done yet*.
//
// The checks need two small functions that put numbers and a stop signal on a queue, and take numbers until the stop signal (waiting at most half a minute for each, so that a lost signal cannot hang a check):

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
// How does `Consume` above loop until the stop signal? Here `Get()` returns an `int?`: which C# pattern both tests that a number came and gives you the number? When the loop has ended, what is the next stage still waiting for?
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
// How many queues does a pipeline of two stages need, counting the way in and the way out? Which C# declaration disposes of an object when the function returns? And which comes first: reading the last queue until `null`, or joining the stages? (The Python docs' programming guidelines, "Joining processes that use queues".)
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
// - A queue takes any number of producers and consumers: every item is delivered once, one producer's items keep their order (the cell checks both each time it runs), items of different producers may interleave, and how the items split between consumers can change from run to run.
// - `Get` with a timeout raises `EmptyException` when nothing came in time; `PutNowait`, or `Put` with a timeout, on a full bounded queue raises `FullException`: Python's `queue.Empty` and `queue.Full`.
// - Read what a child put on a queue before you join it, as the Python docs ask: a CPython child does not end until its queue's feeder thread has written its items into the pipe. The helpers' `Put` has stored the item when it returns, so one large item does not hang a join there; a `Put` still waiting for room does.
// - A `Pipe` joins two ends that both send and receive (`duplex=False`: the first only receives, the second only sends); once every sending end is closed, `Recv` returns what is left and then raises `EndOfStreamException`.
// - The optional last section measures a queue's throughput and a pipe's round trip on this machine, ten rounds each, beside CPython's when `python3` is installed, and says which was faster in that run, or that the run could not tell. Every message has a fixed cost: to move more data, send fewer and larger messages.
//
// **Documentation**
// - Python: [`multiprocessing.Queue`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Queue), [`queue.Empty`](https://docs.python.org/3/library/queue.html#queue.Empty), [`queue.Full`](https://docs.python.org/3/library/queue.html#queue.Full), [`multiprocessing.Pipe`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Pipe), [`Connection`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.connection.Connection), [programming guidelines](https://docs.python.org/3/library/multiprocessing.html#programming-guidelines), [`pickle`](https://docs.python.org/3/library/pickle.html)
// - .NET: [`System.Text.Json`](https://learn.microsoft.com/dotnet/api/system.text.json), [`EndOfStreamException`](https://learn.microsoft.com/dotnet/api/system.io.endofstreamexception), [`System.Diagnostics.Process`](https://learn.microsoft.com/dotnet/api/system.diagnostics.process), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch), [tiered compilation](https://learn.microsoft.com/dotnet/core/runtime-config/compilation#tiered-compilation), [`JsonDocument`](https://learn.microsoft.com/dotnet/api/system.text.json.jsondocument)

// %% [markdown]
// [← 01 · 进程的创建](01-process-creation.ipynb) · [目录 · Contents](00-index.ipynb) · [03 · 进程的锁机制 →](03-process-locks-and-shared-memory.ipynb)

// %% [markdown]
// The types written in the cells above: C# takes a file's types only after its top-level statements.

// %%
record Item(string Producer, int Seq);

record Taken(string Consumer, Item[] Items);
