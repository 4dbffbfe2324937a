// Generated from notebooks/07-beyond-one-machine.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/07-beyond-one-machine.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/07-beyond-one-machine.cs

// %% [raw]
#:project ../Helpers.csproj
#:project ../cluster/Helpers.Cluster.csproj

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
using Helpers.Cluster;                    // LocalCluster, ClusterPool, the grains
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// A Windows console writes in its code page unless told otherwise: the lesson's ✓, ×, → and 中文 need UTF-8.
Console.OutputEncoding = System.Text.Encoding.UTF8;

// %% [markdown]
// [← 06 · 线程锁机制](06-thread-locks-and-conditions.ipynb) · [目录 · Contents](00-index.ipynb) · [08 · 参与者与故障 →](08-actors-and-faults.ipynb)
//
// # 07 · 从一台机器到多台 · Beyond one machine
//
// [Notebook 04](04-process-pools.ipynb) ran a job on a pool of processes and measured how its speedup grows with the number of workers, looking for where it stops growing: past `CpuCount()` workers there are no more cores to gain, because one machine has only so many. Past that point Python users move to a cluster: **Dask** or **Ray** (Ray even ships [`ray.util.multiprocessing.Pool`](https://docs.ray.io/en/latest/ray-more-libs/multiprocessing.html), a drop-in `Pool` whose workers are Ray actors, spread over the machines of a Ray cluster). .NET's established engine for this is **[Orleans](https://learn.microsoft.com/dotnet/orleans/overview)**: processes called *silos* form a cluster, and the work lives in *grains*, small objects that Orleans places on the silos and calls by message. This notebook keeps the pool you know, `Map`, `Imap`, `Starmap`, `ApplyAsync` and `Get(timeout)`, and runs its work on Orleans silos: two of them on this machine, as processes that could be on other machines. [Notebook 08](08-actors-and-faults.ipynb) then keeps state on the cluster and kills a silo.
//
// What differs from a process `Pool`:
// - The workers are grains on silos, not child processes of this notebook; the silos could run anywhere on the network. Here they are children of this kernel, on loopback only.
// - A function's code travels to each silo once, over Orleans itself, named by a hash of its content, as it would to another machine.
// - When a silo dies, its tasks run again on a live silo: a pool's functions are meant to be pure (the same result, no side effect), so running one twice is safe. The helpers' process `Pool` fails such a task with `WorkerLostException` instead, because on one machine it cannot know what the function already did; CPython's `multiprocessing.Pool` never delivers its result, so a `get()` without a timeout waits forever.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Say why one machine runs out, and what a cluster adds: more cores, at the price of messages over a network.
// - Start a local Orleans cluster in one call, and run the same `Map` on it with functions written in this notebook.
// - See where each task ran (the silos' pids), and how a function's code reaches a silo.
// - Get a silo's exception back in the caller, as from a process `Pool`.
// - Measure a task's round trip and the speedup of notebook 04's prime count on two silos, beside the process pool, in one run.
// - Send tasks with `ApplyAsync` and collect their results later with `Get(timeout)` (exercise 07.2).
// - Optional (深入 · Going deeper): how arguments and results cross, and why the placement of the workers matters.

// %% [markdown]
// **Setup · 准备.** Run this cell first. `#!import setup.dib` runs the cells of `setup.dib`, beside this notebook: they build the helpers (`../Helpers.csproj`; a no-op when they are up to date), load them, and give them Python's names: `mp` for `import multiprocessing as mp`, `threading`, and `Process`. The second line does the same for the cluster library, with `cluster.dib` (only notebooks 07 and 08 load Orleans). After changing the helpers' source, restart the kernel: a loaded DLL is not replaced.

// %%
// The notebook's `#!import setup.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("helpers built and loaded: ../bin/Helpers.dll");
// The notebook's `#!import cluster.dib`: its C# cells follow.
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.
Console.WriteLine("cluster library built and loaded: ../cluster/bin/Helpers.Cluster.dll");

// %% [markdown]
// ## 为什么一台机器不够 · Why one machine runs out
//
// A process pool gives at most one worker per core its full speed: beyond `CpuCount()` the workers only take turns. The memory, the disk and the network card of one machine are shared the same way. A job that needs more than that needs more machines, and then the workers are no longer children that share this machine's memory: they are programs elsewhere, reached only by messages. Everything that crosses must be serialized, every call can be lost with a machine, and the code must get there too. This machine:

// %%
Console.WriteLine($"This machine has {CpuCount()} CPUs: a process pool here speeds a job up at most {CpuCount()}×, however many workers it has. " +
                  "A cluster of such machines adds their cores, and messages between them.");

// %% [markdown]
// ## 一个调用启动本地集群 · A local cluster in one call
//
// An Orleans cluster is a set of **silos**, processes that host grains and talk to each other; a **client** (here, this notebook) connects to a silo's **gateway** port and calls grains by message. `LocalCluster.Start(2)` starts two silos on this machine, as child processes of this kernel, and connects a client:
//
// - **Loopback only.** Every silo and gateway listens on 127.0.0.1, never on this machine's other addresses: a classroom network is shared, and nobody else should reach your silos.
// - **The list of members is in Redis**, a small database server, as in a real cluster ([notebook 08](08-actors-and-faults.ipynb) shows the configuration, in its last section): the cluster starts a `redis-server` of its own on 127.0.0.1, keeping nothing on disk, so any silo can die and the others go on. Without `redis-server` installed, the cluster says so in one line and falls back to Orleans' development clustering, where silo 0 keeps the list and the cluster lives only as long as silo 0.
// - **They end with the notebook.** Each silo is a helpers `Process` with the lifeline of [notebook 01](01-process-creation.ipynb): when this kernel ends in any way, a restart or a SIGKILL, its silos kill themselves, and the same kind of lifeline ends the cluster's `redis-server`. Their output appears in the cell that is running, as a child's does.
//
// The cell prints how long the start took (most of it is the .NET runtime and Orleans starting, once in each silo) and where the list of members is:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var cluster = LocalCluster.Start(silos: 2);
Console.WriteLine($"{cluster.Silos.Count} silos up in {clock.Elapsed.TotalSeconds:F1} s, on 127.0.0.1 only: silo ports {string.Join(", ", cluster.SiloPorts)}, gateways {string.Join(", ", cluster.GatewayPorts)}.");
Console.WriteLine(cluster.Membership);
display(cluster.Silos);

// %% [markdown]
// ## 同样的函数，同样的 Map · The same functions, the same Map
//
// A function written in a cell, as in notebook 04. It returns its task's number and the pid of the process that ran it:

// %%
(int Task, int Pid) WhereAmI(int task) => (task, Environment.ProcessId);

// %% [markdown]
// A `ClusterPool` with one worker per silo, and the function mapped over 20 tasks, one task per chunk so that each can go to a different worker. The table counts the tasks by the process that ran them; look for the pids of both silos, and never this kernel's:

// %%
var pool = cluster.Pool();
var ranOn = pool.Map(WhereAmI, Enumerable.Range(0, 20), chunksize: 1).Select(r => r.Pid).ToList();
var siloPids = cluster.Silos.Select(s => s.Pid.Value).ToHashSet();
var silosThatRan = ranOn.Distinct().Count(siloPids.Contains);
Console.WriteLine($"{ranOn.Count} tasks ran in {ranOn.Distinct().Count()} processes, {silosThatRan} of them silos of this cluster, " +
                  (ranOn.Contains(Environment.ProcessId) ? "one of them this kernel (which should not happen). " : $"none of them this kernel (pid {Environment.ProcessId}). ") +
                  $"The cell's code was sent {pool.CodeShipments} times to the {silosThatRan} silos that ran it" +
                  (pool.CodeShipments == silosThatRan ? ": once to each, not once per task." : " (a silo is sent it twice when two calls ask for it at the same moment; it keeps one copy)."));
display(ranOn.GroupBy(pid => pid).Select(g => new { Process = $"silo pid {g.Key}", Tasks = g.Count() }).ToTabularDataResource());

// %% [markdown]
// **How the code gets there.** A silo is not a child that can read this kernel's memory; it could be on another machine. So the pool sends, with each chunk, only the *hash* of the function's code. A silo that has never seen that hash answers so, and the pool sends it the code: the compiled images of this notebook's cells that the function needs (the same images a child `Process` gets, see [notebook 01](01-process-creation.ipynb)), or the assembly of a compiled function. After that, the silo has it: the count above should read one per silo, not one per task. This goes over Orleans' own connection, so it would work the same way to another machine.

// %% [markdown]
// ### Calls per silo · 每个 silo 上的调用
//
// While a `Timeline` records, the pool notes each call it makes: from the moment a chunk is sent to its answer, on the row of the silo that ran it (a silo is a process of its own, with its own pid) and the pool's worker that sent it. A function that sleeps 20 ms and says where it ran:

// %%
(int Task, int Pid) NapWhere(int task)
{
    Thread.Sleep(20);
    return (task, Environment.ProcessId);
}

// %% [markdown]
// Twenty calls, one task each:

// %%
var callTimeline = Timeline.Start();
pool.Map(NapWhere, Enumerable.Range(0, 20), chunksize: 1);
callTimeline.Stop();
display(callTimeline.ToChart("20 calls on the cluster, by the silo that ran them", s => s.Kind == TimelineKind.Call));

// %% [markdown]
// What the calls show, computed from the timeline:

// %%
var calls = callTimeline.Spans.Where(s => s.Kind == TimelineKind.Call).ToList();
var medianCall = calls.Select(c => c.Duration).Order().ElementAt(calls.Count / 2);
Console.WriteLine(string.Join("; ", calls.GroupBy(c => c.Lane.Pid).Select(g => $"silo pid {g.Key} ran {g.Count()} calls")) +
                  $". A call took a median of {medianCall:N1} ms from sent to answered: the function's 20 ms of sleep, and {medianCall - 20:N1} ms of messages through Orleans and work around the call.");

// %% [markdown]
// ## 异常 · Errors come back
//
// A function that throws on a silo raises the same exception in the caller, with its type and message, and the silo's stack trace inside as a `RemoteException`, as `Pool` does:

// %%
int Divide(int a, int b) => a / b;

// %% [markdown]
// Divide by zero on a silo, and catch it here:

// %%
try { pool.Apply(Divide, 1, 0); }
catch (DivideByZeroException e)
{
    Console.WriteLine($"{e.GetType().Name}: {e.Message}");
    var remote = (mp.RemoteException)e.InnerException;
    Console.WriteLine("silo's trace: " + string.Join(" | ", remote.RemoteTrace.Split('\n').Take(2)));
}

// %% [markdown]
// ## 加速比 · Two silos beside the process pool
//
// Notebook 04's job, counting the primes below 5,000,000 by trial division in 48 ranges, runs here four ways in one run, interleaved: a process `Pool` of 1 and 2 workers, and a `ClusterPool` of 1 worker (on one silo) and 2 workers (one per silo). Every pool is started and given a first, untimed task before the clock runs. The two silos share this machine's cores, as the two processes do, so do not expect the cluster to beat the pool here: look at how far its curve lies below the pool's, which is what the cluster's messages cost on top of the same work. Each round also measures how much of the machine this kernel has (`CpuShare`, as in notebook 04).

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

int Echo(int x) => x;

// %% [markdown]
// The pools, one per kind and worker count, each warmed up; then the job on each, eight rounds, interleaved, each count read by its quickest run:

// %%
const int Limit = 5_000_000, Ranges = 48;
var ranges = Enumerable.Range(0, Ranges).Select(i => (i * Limit / Ranges, (i + 1) * Limit / Ranges)).ToList();
int[] workerCounts = [1, 2];
var processPools = workerCounts.ToDictionary(n => n, n => new mp.Pool(n));
var clusterPools = workerCounts.ToDictionary(n => n, n => cluster.Pool(n));
foreach (var p in processPools.Values) p.Starmap(CountPrimes, ranges.Take(2 * p.Processes), chunksize: 1);   // untimed warm-up
foreach (var p in clusterPools.Values) p.Starmap(CountPrimes, ranges.Take(2 * p.Processes), chunksize: 1);   // (and the code's first trip)

var totals = new HashSet<int>();
var curves = Speedup.Compare(new (string, Action<int>)[] {
    ("process Pool", n => totals.Add(processPools[n].Starmap(CountPrimes, ranges, chunksize: 1).Sum())),
    ("Orleans cluster (ClusterPool)", n => totals.Add(clusterPools[n].Starmap(CountPrimes, ranges, chunksize: 1).Sum())),
}, workerCounts);
Console.WriteLine(totals.Count == 1 ? $"primes below {Limit:N0}: {totals.Single():N0}, the same count in every run." : $"The runs counted different totals ({string.Join(", ", totals.Select(t => t.ToString("N0")))}): a bug to report.");
display(curves.ToChart("Speedup of the prime count: process Pool and 2-silo cluster, same run"));

// %% [markdown]
// Then the price of one task: `Apply` of a function that does nothing (`Echo`) on each kind with one worker, in 15 rounds, interleaved; each round makes 10 calls in a row, and its figure is its time divided by 10. The table gives the median and the range of the 15 figures, in microseconds:

// %%
var roundTrips = Trials.Interleaved(new[] { "process Pool", "Orleans cluster" },
    kind => 1e6 * Trials.Seconds(() => { for (var i = 0; i < 10; i++) { if (kind == "process Pool") processPools[1].Apply(Echo, i); else clusterPools[1].Apply(Echo, i); } }) / 10,
    rounds: 15);
foreach (var p in processPools.Values) p.Dispose();
foreach (var p in clusterPools.Values) p.Dispose();
display(roundTrips.ToTable("F0"));

// %% [markdown]
// What the figures of this run say: how each kind sped up with two workers, whether a task's round trip was clearly quicker on one, and what that round trip weighs against a range of work (the rule for "clearly" is notebook 01's):

// %%
Console.WriteLine(curves.Reading(2));
Console.WriteLine("• " + Difference.Of("A task's round trip in the process pool", roundTrips[0].Result, "on the cluster", roundTrips[1].Result).Reading("µs", "F0", "took less time than"));
var rangeMs = 1000 * curves[0].At(1).Seconds.Min / Ranges;                               // one range's work, on one worker
var extraMs = (roundTrips[1].Result.Min - roundTrips[0].Result.Min) / 1000;               // the cluster's message beyond the pool's
Console.WriteLine($"• One range is about {rangeMs:F0} ms of work; a message on the cluster cost {extraMs:F2} ms more than in the pool, {100 * extraMs / rangeMs:F1} % of a range. On a real cluster the silos add their own cores, and the messages cross a network, which costs more than loopback.");

// %% [markdown]
// ## 结束集群 · Ending the cluster
//
// `Dispose` disconnects the client and kills the silos. The cell counts the silo processes still running afterwards: look for 0 (and if a kernel ends without `Dispose`, the lifeline ends them too).

// %%
bool Running(int pid)
{
    try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
    catch (ArgumentException) { return false; }   // no such process
}

var pids = cluster.Silos.Select(s => s.Pid.Value).ToList();
pool.Dispose();
cluster.Dispose();
Console.WriteLine($"silo processes still running after Dispose: {pids.Count(Running)} of {pids.Count} (pids {string.Join(", ", pids)})");

// %% [markdown]
// ## 深入 · Going deeper: 值如何传递，worker 在哪里 · How values cross, where the workers go
//
// *Optional: no code here, and the exercises do not need it. Read it in class if there is time, or afterwards.*
//
// **How values cross.** The messages are Orleans types, written by Orleans' generated serializer. The arguments and results inside them are written by the helpers' own serializer, the one `Process` and `Pool` use: Orleans' serializer only knows types it generated code for when the silo was compiled, and a type written in a notebook cell exists only once its cell reaches the silo. So the same values cross as with `Pool`, and what cannot cross (a stream, a thread) is refused with the same message.
//
// **Where the workers go.** Each worker of the pool is a grain, and Orleans decides which silo it lives on (*placement*). Its built-in choices do not spread a pool's few workers reliably: a `[StatelessWorker]` grain runs each call on the silo that receives it (for a client's call, the silo whose gateway it went through), adding activations there when they are busy, so where the tasks ran would depend on the client's gateways, not on the pool; random or hash placement puts both workers on one silo now and then; the default since Orleans 9.2, resource-optimized placement, reacts to load only after it has measured it. The pool uses a placement of its own (`SlotPlacement`, a few lines in `cluster/SlotPlacement.cs`): worker *k* goes to silo *k* mod *n* of the live silos, so every silo gets its share, and a worker whose silo died is placed again on a live one.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up. Until you write a solution, the check says *not done yet*.
//
// The exercises need a cluster again (the one above was ended): start one, with a pool on it.

// %%
var exerciseCluster = LocalCluster.Start(silos: 2);
var exercisePool = exerciseCluster.Pool();
display($"{exerciseCluster}");

// %% [markdown]
// ### 07.1 · Count primes on the cluster · 在集群上计数素数
//
// *Practises:* the same job-cutting as exercise 04.1, on a `ClusterPool`: the pool's shape does not change with where the workers are.
//
// Write `CountPrimesOnCluster(pool, limit, parts)`: cut `[0, limit)` into `parts` ranges that cover it exactly, count each range's primes on the cluster with `CountPrimes` (from the speedup section), and return the sum.
//
// <details><summary>Hint · 提示</summary>
//
// Where must range `i` start so that it begins exactly where range `i − 1` ends, and the last one ends at `limit`, whatever `parts` is? Integer division gives both ends. Then look at `ClusterPool.Starmap`: the same method as `Pool.Starmap` in exercise 04.1.
// </details>

// %%
// Counts the primes below `limit` in `parts` ranges, on the cluster's workers.
int CountPrimesOnCluster(ClusterPool pool, int limit, int parts)
{
    // BEGIN SOLUTION
    var ranges = Enumerable.Range(0, parts).Select(i => (i * limit / parts, (i + 1) * limit / parts));
    return pool.Starmap(CountPrimes, ranges).Sum();
    // END SOLUTION
}

// %% [markdown]
// The check counts the primes here in one piece, then asks your function with several numbers of parts:

// %%
display(Exercise.Check("07.1", "CountPrimesOnCluster(pool, limit, parts) equals CountPrimes(0, limit) for any number of parts", () =>
{
    const int below = 200_001;
    var expected = CountPrimes(0, below);                                          // counted here, in one piece
    var seen = new[] { 1, 7, 16 }.Select(parts => (Parts: parts, Got: CountPrimesOnCluster(exercisePool, below, parts))).ToList();
    var wrong = seen.Where(s => s.Got != expected).ToList();
    return wrong.Count == 0
        ? Verdict.Pass($"{expected:N0} primes below {below:N0}, the same count with {Exercise.Show(seen.Select(s => s.Parts))} parts, on {exercisePool.Processes} workers.")
        : Verdict.Fail($"there are {expected:N0} primes below {below:N0}; with {wrong[0].Parts} parts you counted {wrong[0].Got:N0}. Does each range start where the one before ends, and does the last end at limit?");
}, timeout: 120));

// %% [markdown]
// ### 07.2 · Ask now, collect later · 先提交，后取结果
//
// *Practises:* `ApplyAsync` on a `ClusterPool`, as `apply_async` on Python's `Pool`: every task is sent before any result is awaited, and `Get(timeout)` collects each one later.
//
// Write `StartCounts(pool, spans)`: for each range `(From, To)` in `spans`, send `CountPrimes(From, To)` to the cluster with `ApplyAsync`, and return the `AsyncResult<int>`s at once, in the ranges' order, without waiting for any of them. The check then calls `Get(60)` on each and compares it with the count made here.
//
// <details><summary>Hint · 提示</summary>
//
// Which method of the pool returns an `AsyncResult<int>` at once instead of the result? It takes the function and its two arguments, as `Apply` did in the errors section. And if you build the list with LINQ: does a task leave when `Select` is called, or only when something walks through the sequence?
// </details>

// %%
// Sends CountPrimes(From, To) for each range with ApplyAsync, waiting for none; returns the results to come, in the ranges' order.
List<mp.AsyncResult<int>> StartCounts(ClusterPool pool, List<(int From, int To)> spans)
{
    // BEGIN SOLUTION
    return spans.Select(s => pool.ApplyAsync(CountPrimes, s.From, s.To)).ToList();
    // END SOLUTION
}

// %% [markdown]
// The check cuts the numbers below 400,000 into 8 ranges and calls your function; it reports how many results were already done when your function returned (a figure, not judged), then collects each with `Get(60)`:

// %%
display(Exercise.Check("07.2", "StartCounts(pool, spans) returns one AsyncResult per range at once, and its Get(60) gives that range's prime count", () =>
{
    const int below = 400_000, parts = 8;
    var spans = Enumerable.Range(0, parts).Select(i => (From: i * below / parts, To: (i + 1) * below / parts)).ToList();
    var sending = System.Diagnostics.Stopwatch.StartNew();
    var started = StartCounts(exercisePool, spans);
    var returnedAfter = sending.Elapsed.TotalMilliseconds;
    if (started is null || started.Count != parts) return Verdict.Fail($"expected {parts} results to come, one per range; got {started?.Count ?? 0}.");
    var doneAtReturn = started.Count(r => r.Ready());
    var counts = started.Select(r => r.Get(60)).ToList();
    var expected = spans.Select(s => CountPrimes(s.From, s.To)).ToList();      // counted here
    var wrong = Enumerable.Range(0, parts).Where(i => counts[i] != expected[i]).ToList();
    return wrong.Count == 0
        ? Verdict.Pass($"{parts} tasks sent; your function returned after {returnedAfter:F0} ms, with {doneAtReturn} of them done; then Get(60) gave each range's count, {expected.Sum():N0} primes below {below:N0} in all.")
        : Verdict.Fail($"the range {spans[wrong[0]].From:N0}–{spans[wrong[0]].To:N0} has {expected[wrong[0]]:N0} primes; its result gave {counts[wrong[0]]:N0}. Does each task get its own range, and are the results in the ranges' order?");
}, timeout: 120));

// %% [markdown]
// The exercises' cluster, ended:

// %%
exercisePool.Dispose();
exerciseCluster.Dispose();
display($"{exerciseCluster}");

// %% [markdown]
// ## 小结 · Summary
//
// - One machine's cores bound a process pool's speedup; a cluster adds the cores of more machines, and every call becomes a message.
// - `LocalCluster.Start(2)` starts two Orleans silos as children of the notebook, on 127.0.0.1 only, ended with it (lifeline), and `cluster.Pool()` gives a pool with `Pool`'s shape whose workers are grains, one placed on each silo.
// - Functions written in cells run on the silos: their code travels once per silo, named by its hash, over Orleans; arguments and results cross with the helpers' serializer inside Orleans messages.
// - A function's exception on a silo is raised again in the caller with its type and message, and the silo's trace inside, as with `Pool`.
// - The speedup chart puts the 2-silo cluster beside the process pool in one run, and the round trip says what a task's message costs on top; the sentence under them reads this run's figures.
// - `ApplyAsync` sends a task and returns at once; `Get(timeout)` collects the result later, as on `Pool`.
// - Next, [notebook 08](08-actors-and-faults.ipynb): state on the cluster (a grain as an actor), and a silo that dies in the middle of a map.
//
// **Documentation**
// - Orleans: [overview](https://learn.microsoft.com/dotnet/orleans/overview), [grains](https://learn.microsoft.com/dotnet/orleans/grains/), [grain placement](https://learn.microsoft.com/dotnet/orleans/grains/grain-placement), [stateless worker grains](https://learn.microsoft.com/dotnet/orleans/grains/stateless-worker-grains), [serialization](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/serialization), [clients](https://learn.microsoft.com/dotnet/orleans/host/client), [local development](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/local-development-configuration)
// - Python: [Ray's `multiprocessing.Pool`](https://docs.ray.io/en/latest/ray-more-libs/multiprocessing.html), [Dask distributed](https://distributed.dask.org/en/stable/), [`multiprocessing.pool.Pool`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool), [`AsyncResult.get`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.AsyncResult.get)
// - .NET: [`Process.GetProcessById`](https://learn.microsoft.com/dotnet/api/system.diagnostics.process.getprocessbyid), [`Stopwatch`](https://learn.microsoft.com/dotnet/api/system.diagnostics.stopwatch)

// %% [markdown]
// [← 06 · 线程锁机制](06-thread-locks-and-conditions.ipynb) · [目录 · Contents](00-index.ipynb) · [08 · 参与者与故障 →](08-actors-and-faults.ipynb)
