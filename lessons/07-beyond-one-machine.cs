// Generated from notebooks/07-beyond-one-machine.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/07-beyond-one-machine.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/07-beyond-one-machine.cs

// %% [raw]
#:project ../Helpers.csproj
#:project ../cluster/Helpers.Cluster.csproj

// %%
// The notebook's using directives, all here: C# takes them only before the first statement.
using Helpers.Multiprocessing;
using Helpers.Cluster;
#pragma warning disable CS8981              // lower-case aliases, as Python's module names
using mp = Helpers.Multiprocessing;       // Python's `import multiprocessing as mp`
using System.Threading;
using static Helpers.Multiprocessing.Mp;   // CpuCount(), ActiveChildren()
using Helpers.Measure;
using Helpers.Notebook;
using static Helpers.Lessons.LessonOutput;   // display(): what a notebook shows under a cell, printed (charts written to lessons/out/)

// %% [markdown]
// [⏪ 06 · 线程锁机制](06-thread-locks-and-conditions.ipynb) · [目录 · Contents ⏩](00-index.ipynb)
//
// # 07 · 从一台机器到多台 · Beyond one machine
//
// [Notebook 04](04-process-pools.ipynb) ran a job on a pool of processes and watched the speedup stop rising at `CpuCount()`: one machine has only so many cores. Past that point Python users move to a cluster: **Dask** or **Ray** (Ray even ships [`ray.util.multiprocessing.Pool`](https://docs.ray.io/en/latest/ray-more-libs/multiprocessing.html), a drop-in `Pool` whose workers run on many machines). .NET's established engine for this is **[Orleans](https://learn.microsoft.com/dotnet/orleans/overview)**: processes called *silos* form a cluster, and the work lives in *grains*, small objects that Orleans places on the silos and calls by message. This notebook keeps the pool you know, `Map`, `Imap`, `Starmap`, `ApplyAsync` and `Get(timeout)`, and runs its work on Orleans silos: two of them on this machine, as processes that could be on other machines.
//
// What differs from a process `Pool`:
// - The workers are grains on silos, not child processes of this notebook; the silos could run anywhere on the network. Here they are children of this kernel, on loopback only.
// - A function's code travels to each silo once, over Orleans itself, named by a hash of its content, as it would to another machine.
// - When a silo dies, its tasks run again on a live silo: a pool's functions are pure, so running one twice is safe. (`Pool` fails the task instead: on one machine a dead worker is rarer, and it cannot know what the function did.)

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Say why one machine runs out, and what a cluster adds: more cores, at the price of messages over a network.
// - Start a local Orleans cluster in one call, and run the same `Map` on it with functions written in this notebook.
// - See where each task ran (the silos' pids), and why the placement of the workers matters.
// - Measure a task's round trip and the speedup of notebook 04's prime count on two silos, beside the process pool, in one run.
// - Use a grain as the actor model's answer to notebook 03's `Value` + `Lock`: one call at a time, no lock.
// - Watch a silo die mid-map without the map failing, and read what changes on real machines.

// %% [markdown]
// **Setup.** The first cell builds the helpers and the cluster library (`../cluster/Helpers.Cluster.csproj` → `../cluster/bin/Helpers.Cluster.dll`, with Orleans beside it; it builds `../bin/Helpers.dll` too; a no-op when they are up to date), the second loads both, the third loads the chart library and the measuring helpers. Only this notebook loads Orleans: the others never touch it. After changing the source, restart the kernel, because a loaded DLL is not replaced.

// %%
// The notebook's setup cell builds the helpers: here, the #:project lines at the top do, before the lesson runs.

// %%
// This cell's using directives are at the top of the file.

// %%
// This cell's using directives are at the top of the file.

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
// - **Development clustering.** Silo 0 keeps the list of members (Orleans' `UseLocalhostClustering`); the others find it on its port. A real cluster keeps that list in a database (see the last section).
// - **They end with the notebook.** Each silo is a helpers `Process` with the lifeline of [notebook 01](01-process-creation.ipynb): when this kernel ends in any way, a restart or a SIGKILL, its silos kill themselves. Their output appears in the cell that is running, as a child's does.
//
// Starting takes a few seconds, mostly the .NET runtime and Orleans starting twice:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var cluster = LocalCluster.Start(silos: 2);
Console.WriteLine($"{cluster.Silos.Count} silos up in {clock.Elapsed.TotalSeconds:F1} s, on 127.0.0.1 only: silo ports {string.Join(", ", cluster.SiloPorts)}, gateways {string.Join(", ", cluster.GatewayPorts)}.");
display(cluster.Silos);

// %% [markdown]
// ## 同样的函数，同样的 Map · The same functions, the same Map
//
// A function written in a cell, as in notebook 04. It returns the pid of the process that ran it:

// %%
int WhereAmI(int task) => Environment.ProcessId + 0 * task;

// %% [markdown]
// A `ClusterPool` with one worker per silo, and the function mapped over 20 tasks, one task per chunk so that each can go to a different worker. The table counts the tasks by the process that ran them:

// %%
var pool = cluster.Pool();
var ranOn = pool.Map(WhereAmI, Enumerable.Range(0, 20), chunksize: 1);
var siloPids = cluster.Silos.Select(s => s.Pid.Value).ToHashSet();
Console.WriteLine($"{ranOn.Count} tasks ran in {ranOn.Distinct().Count()} processes, {ranOn.Distinct().Count(siloPids.Contains)} of them silos of this cluster, " +
                  (ranOn.Contains(Environment.ProcessId) ? "one of them this kernel (which should not happen). " : $"none of them this kernel (pid {Environment.ProcessId}). ") +
                  $"The cell's code was sent {pool.CodeShipments} times: once to each silo that ran it.");
display(ranOn.GroupBy(pid => pid).Select(g => new { Process = $"silo pid {g.Key}", Tasks = g.Count() }).ToTabularDataResource());

// %% [markdown]
// **How the code gets there.** A silo is not a child that can read this kernel's memory; it could be on another machine. So the pool sends, with each chunk, only the *hash* of the function's code. A silo that has never seen that hash answers so, and the pool sends it the code: the compiled images of this notebook's cells that the function needs (the same images a child `Process` gets, see [notebook 01](01-process-creation.ipynb)), or the assembly of a compiled function. After that, the silo has it: the count above is once per silo, not once per task. This goes over Orleans' own connection, so it would work the same way to another machine.
//
// **How values cross.** The messages are Orleans types, written by Orleans' generated serializer. The arguments and results inside them are written by the helpers' own serializer, the one `Process` and `Pool` use: Orleans' serializer only knows types it generated code for when the silo was compiled, and a type written in a notebook cell exists only once its cell reaches the silo. So the same values cross as with `Pool`, and what cannot cross (a stream, a thread) is refused with the same message.
//
// **Where the workers go.** Each worker of the pool is a grain, and Orleans decides which silo it lives on (*placement*). Its built-in choices do not spread a pool's few workers reliably: a `[StatelessWorker]` grain is activated on the silo that receives the call, so every task would run on the client's gateway silo; random or hash placement puts both workers on one silo now and then; the default, resource-optimized placement, reacts to load only after it has measured it. The pool uses a placement of its own (`SlotPlacement`, a few lines in `cluster/SlotPlacement.cs`): worker *k* goes to silo *k* mod *n* of the live silos, so every silo gets its share, and a worker whose silo died is placed again on a live one.

// %% [markdown]
// ## Errors come back · 异常
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
    var remote = e.InnerException.Message.Split('\n').Where(l => l.Trim().Length > 0 && l != "\"\"\"");
    Console.WriteLine("silo's trace: " + string.Join(" | ", remote.Take(2)));
}

// %% [markdown]
// ## 加速比 · Two silos beside the process pool
//
// Notebook 04's job, counting the primes below 3 000 000 by trial division in 48 ranges, runs here four ways in one run, interleaved: a process `Pool` of 1 and 2 workers, and a `ClusterPool` of 1 worker (on silo 0) and 2 workers (one per silo). Every pool is started and given a first, untimed task before the clock runs. The two silos share this machine's cores, as the two processes do, so the cluster cannot beat the pool here; what the comparison shows is what the cluster's messages cost on top of the same work.

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
// The pools, one per kind and worker count, each warmed up; then the job on each, three rounds, interleaved:

// %%
const int Limit = 3_000_000, Ranges = 48;
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
}, workerCounts, rounds: 3);
Console.WriteLine($"primes below {Limit:N0}: {string.Join(", ", totals)} (every run counted the same: {totals.Count == 1})");
display(curves.ToChart("Speedup of the prime count: process Pool and 2-silo cluster, same run"));

// %% [markdown]
// Then the price of one task: `Apply` of a function that does nothing (`Echo`), 30 times on each kind with one worker, interleaved. The table gives microseconds:

// %%
var roundTrips = Trials.Interleaved(new[] { "process Pool", "Orleans cluster" },
    kind => 1e6 * Trials.Seconds(() => { for (var i = 0; i < 10; i++) { if (kind == "process Pool") processPools[1].Apply(Echo, i); else clusterPools[1].Apply(Echo, i); } }) / 10,
    rounds: 15);
foreach (var p in processPools.Values) p.Dispose();
foreach (var p in clusterPools.Values) p.Dispose();
display(roundTrips.ToTable("F0"));

// %% [markdown]
// What the figures of this run say:

// %%
string ReadCluster(IReadOnlyList<SpeedupCurve> measured, IReadOnlyList<(string Input, Spread Result)> trips)
{
    var (local, remote) = (measured[0].At(2), measured[1].At(2));
    var (poolTrip, clusterTrip) = (trips[0].Result, trips[1].Result);
    var text = $"At 2 workers the process pool ran the job {local.Speedup:F2}× as fast as with one, the 2-silo cluster {remote.Speedup:F2}×. " +
               $"One task's round trip took {poolTrip.Median:F0} µs in the process pool and {clusterTrip.Median:F0} µs on the cluster ({clusterTrip.Median / poolTrip.Median:F1}×).\n";
    var noise = new[] { (measured.Any(c => c.Points.Any(p => p.AboveIdeal)), "a point lies above the ideal line"),
                        (measured.Any(c => c.Points.Any(p => p.Seconds.Ratio > 1.3)), "the rounds of one count differed by more than 1.3×"),
                        (poolTrip.Overlaps(clusterTrip), "the two round trips' ranges overlap") }.Where(n => n.Item1).Select(n => n.Item2).ToList();
    if (noise.Count > 0)
        return text + $"This run was too noisy to compare them: {string.Join("; ", noise)}. Other work shared the CPUs; rerun the cells above when the machine is quieter.";
    var perTask = (clusterTrip.Median - poolTrip.Median) / 1000;
    var perRange = 1000.0 * measured[0].Points[0].Seconds.Median / Ranges;
    return text + $"A chunk here is one range, about {perRange:F0} ms of work, so the cluster's extra {perTask:F2} ms a message " +
                  (perTask * Ranges > 0.05 * 1000 * remote.Seconds.Median
                      ? "is a visible part of it: larger chunks would hide it."
                      : "is a small part of it: the two silos share out the same work almost as well as two processes.") +
                  " On a real cluster the silos add their own cores; the messages then cross a network, which costs more per task than loopback.";
}
Console.WriteLine(ReadCluster(curves, roundTrips));
display(curves.Table().ToTabularDataResource());

// %% [markdown]
// ## 演员模型 · A grain instead of `Value` + `Lock`
//
// In [notebook 03](03-process-locks-and-shared-memory.ipynb) two processes added to a shared `Value`, lost updates, and needed a `Lock` around each read and write. The **actor model** does without shared memory: the state lives inside one object, the actor, and the only way to change it is to send it a message. An Orleans grain is such an actor: Orleans hands it **one call at a time**, so its code reads and writes its own field with no lock, and no update can be lost. The counter is compiled code in `cluster/Grains.cs` (grain interfaces must be compiled: Orleans generates their proxies at build time):
//
// ```csharp
// public interface ICounterGrain : IGrainWithStringKey
// {
//     Task<long> Add(long amount);    // adds and returns the new total
//     Task<long> Total();
//     Task<WorkerInfo> Where();
// }
//
// internal sealed class CounterGrain(ILocalSiloDetails silo) : Grain, ICounterGrain
// {
//     private long total;
//     public Task<long> Add(long amount) => Task.FromResult(total += amount);   // no lock: one call at a time
//     public Task<long> Total() => Task.FromResult(total);
//     public Task<WorkerInfo> Where() => Task.FromResult(SiloHost.Here(silo));
// }
// ```
// A grain is named by a key; asking for the same key anywhere in the cluster reaches the same grain. Here 2 000 `Add(1)` calls leave this notebook at once, without waiting for each other, and arrive at the grain in some order:

// %%
var counter = cluster.Client.GetGrain<ICounterGrain>("lesson-07");
var before = await counter.Total();
await Task.WhenAll(Enumerable.Range(0, 2_000).Select(_ => counter.Add(1)));
var after = await counter.Total();
var home = await counter.Where();
Console.WriteLine(after - before == 2_000
    ? $"2 000 concurrent Add(1) calls raised the total from {before} to {after}: none lost, and no lock was written. The grain lives in silo pid {home.Pid}; every call went there, one at a time."
    : $"The total rose by {after - before}, not 2 000: that would be a bug in Orleans' one-call-at-a-time rule, or another caller using the same key.");

// %% [markdown]
// The lock has not vanished: Orleans' scheduler plays its part, giving the grain one turn at a time. What changed is who writes it. With `Value` + `Lock` every caller must remember to take the lock, and forgetting it is the bug of notebook 03; with a grain, no caller can reach the state except through a call. The price is a message per update, about the round trip measured above, against notebook 03's nanoseconds for a locked increment in shared memory, and the grain's state lives in one silo's memory: if that silo dies, the grain starts again elsewhere with a fresh state unless it saves it (Orleans' [grain persistence](https://learn.microsoft.com/dotnet/orleans/grains/grain-persistence/)).

// %% [markdown]
// ## 当一个 silo 死去 · When a silo dies
//
// A silo is killed (SIGKILL) in the middle of a map. Its calls get no answer; the pool notices the silo has left the cluster (Orleans' membership declares it dead after a few failed probes, tuned to about 3 s on a local cluster) or that a call to it failed, and sends its chunks to a worker on a live silo. Every call in flight at that moment is sent again, not only those to the dead silo: a call to a live silo may have gone through the dead silo's gateway, and its reply would never come back. The map finishes with every result. A chunk lost three times (a function that ends its own process, say) fails with `WorkerLostException` instead of running forever. Silo 1 is killed, not silo 0: silo 0 keeps this local cluster's member list, so the cluster lives as long as it does (a real cluster keeps the list in a database).
//
// A task that sleeps 50 ms and returns where it ran:

// %%
int SlowWhere(int task)
{
    Thread.Sleep(50);
    return Environment.ProcessId + 0 * task;
}

// %% [markdown]
// 200 tasks in chunks of 5 on four workers, two per silo; the first result shows the map is under way, then silo 1 is killed, and the rest are read as they come:

// %%
var faultPool = cluster.Pool(4);
var results = faultPool.ImapUnordered(SlowWhere, Enumerable.Range(0, 200), chunksize: 5);
var reader = results.GetEnumerator();
reader.MoveNext();
var ran = new List<int> { reader.Current };
var victim = cluster.Silos[1];
var sinceKill = System.Diagnostics.Stopwatch.StartNew();
victim.Kill();
while (reader.MoveNext()) ran.Add(reader.Current);
var finished = sinceKill.Elapsed.TotalSeconds;
Console.WriteLine($"Silo 1 (pid {victim.Pid}) was killed after the first result; the map still returned all {ran.Count} results, {finished:F1} s after the kill. " +
                  $"{faultPool.Retries} chunks were lost with it and ran again on silo 0 (pid {cluster.Silos[0].Pid}).");
faultPool.Dispose();
display(ran.GroupBy(pid => pid).Select(g => new { Process = g.Key == victim.Pid ? $"silo 1, pid {g.Key} (killed)" : $"silo 0, pid {g.Key}", Results = g.Count() }).ToTabularDataResource());

// %% [markdown]
// Ending the cluster: `Dispose` disconnects the client and kills the silos. The kernel keeps no silo process:

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
// ## 真正的多台机器 · On real machines
//
// The same `ClusterPool` works with any connected Orleans client: `new ClusterPool(client)`. What changes is how the silos find each other, and where they listen. Nothing below runs in this notebook; it is the configuration a real cluster uses.
//
// **Membership in a shared store.** Instead of silo 0's in-memory list, every silo and client reads the member list from a database, so any silo can die: the [Redis](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/typical-configurations) provider (`Microsoft.Orleans.Clustering.Redis`) or an SQL database through ADO.NET (`Microsoft.Orleans.Clustering.AdoNet`, with its table scripts), both 10.4.2 like the rest of Orleans here.
//
// **A silo on each machine**, listening on that machine's network address (say 10.0.0.11; the next machine 10.0.0.12, and so on), silo port 11111 between silos, gateway port 30000 for clients; the firewall opens those two ports to the cluster's machines only:
// ```csharp
// // Program.cs of a silo machine: dotnet add package Microsoft.Orleans.Server, Microsoft.Orleans.Clustering.Redis
// var builder = Host.CreateApplicationBuilder(args);
// builder.UseOrleans(silo =>
// {
//     silo.Configure<ClusterOptions>(o => { o.ClusterId = "course"; o.ServiceId = "helpers"; });
//     silo.UseRedisClustering("redis.example.internal:6379");                  // or: silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = "..."; })
//     silo.ConfigureEndpoints(IPAddress.Parse("10.0.0.11"), siloPort: 11111, gatewayPort: 30000);
//     silo.AddPlacementDirector<SlotPlacement, SlotPlacementDirector>();      // the pool's placement, as in SiloHost.Run
// });
// builder.Build().Run();
// ```
// **The client** (this notebook) uses the same store to find the gateways:
// ```csharp
// var builder = Host.CreateApplicationBuilder();
// builder.UseOrleansClient(client =>
// {
//     client.Configure<ClusterOptions>(o => { o.ClusterId = "course"; o.ServiceId = "helpers"; });
//     client.UseRedisClustering("redis.example.internal:6379");
// });
// var host = builder.Build();
// await host.StartAsync();
// var pool = new ClusterPool(host.Services.GetRequiredService<IClusterClient>(), processes: 64);   // e.g. 8 machines × 8 cores
// ```
// **Also different on a network:** every silo machine needs .NET, `Helpers.Cluster.dll` with Orleans, and `Helpers.dll` (the functions' own code travels, as above; a DLL a cell loads with `#r` must be at the same path on every machine); traffic between machines should be encrypted (`Microsoft.Orleans.Connections.Security`, TLS); a message costs a network round trip, so chunks should be larger; and failure detection must be slower than on loopback (Orleans' defaults, about half a minute), because a network drops packets without a process dying.

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
// As in 04.1: range `i` is `(i * limit / parts, (i + 1) * limit / parts)`, and `pool.Starmap(CountPrimes, ranges).Sum()` does the rest; `pool` is a `ClusterPool` now, with the same `Starmap`.
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
// ### 07.2 · Many callers, one actor · 多个调用者，一个 actor
//
// *Practises:* calling a grain asynchronously, many calls in flight at once (`Task.WhenAll`), and relying on the actor's one-call-at-a-time rule instead of a lock.
//
// Write `AddConcurrently(counter, calls)`: start `calls` calls of `counter.Add(1)` **without waiting for each before the next**, and return one task that gives the totals they returned (one per call). The check verifies that the grain's total rose by exactly `calls`, and that the totals your calls saw are all different: each call saw the state the call before it left.
//
// <details><summary>Hint · 提示</summary>
//
// `Enumerable.Range(0, calls).Select(_ => counter.Add(1))` starts the calls (each `Add` returns a `Task<long>` at once, before the grain has answered); `Task.WhenAll(...)` is one task that completes when all have, with their results as an array. Return that task.
// </details>

// %%
// Adds 1 to the counter `calls` times, all calls in flight together; returns the totals the calls returned.
Task<long[]> AddConcurrently(ICounterGrain counter, int calls)
{
    // BEGIN SOLUTION
    return Task.WhenAll(Enumerable.Range(0, calls).Select(_ => counter.Add(1)));
    // END SOLUTION
}

// %% [markdown]
// The check gives your function a fresh counter (a new key), then reads the grain's total:

// %%
display(Exercise.Check("07.2", "AddConcurrently(counter, n) makes n concurrent Add(1) calls: the total rises by n, and every call sees a different total", () =>
{
    var counter = exerciseCluster.Client.GetGrain<ICounterGrain>($"exercise-{Guid.NewGuid():N}");
    const int calls = 500;
    var seen = AddConcurrently(counter, calls).GetAwaiter().GetResult();
    var total = counter.Total().GetAwaiter().GetResult();
    if (seen is null || seen.Length != calls) return Verdict.Fail($"expected {calls} totals, one per call; got {seen?.Length ?? 0}.");
    return total == calls && seen.Distinct().Count() == calls && seen.Max() == calls
        ? Verdict.Pass($"{calls} calls in flight together; the grain's total is {total}, and the calls saw {calls} different totals, 1 to {calls}: one call at a time, nothing lost, no lock.")
        : Verdict.Fail($"expected a total of {calls} and {calls} different totals from 1 to {calls}; the grain holds {total}, and the calls saw {seen.Distinct().Count()} different totals.");
}, timeout: 60));

// %% [markdown]
// The exercises' cluster, ended:

// %%
exercisePool.Dispose();
exerciseCluster.Dispose();
display($"{exerciseCluster}");

// %% [markdown]
// ## 小结 · Summary
//
// - One machine's cores bound a process pool's speedup; a cluster adds machines, and every call becomes a message that can be lost.
// - `LocalCluster.Start(2)` starts two Orleans silos as children of the notebook, on 127.0.0.1 only, ended with it (lifeline), and `cluster.Pool()` gives a pool with `Pool`'s shape whose workers are grains, one placed on each silo.
// - Functions written in cells run on the silos: their code travels once per silo, named by its hash, over Orleans; arguments and results cross with the helpers' serializer inside Orleans messages.
// - The speedup chart put the 2-silo cluster beside the process pool in one run, and the round trip said what a task's message costs on top; the sentence under them read this run's figures.
// - A grain is an actor: one call at a time, so its state needs no lock, at the price of a message per update.
// - A silo killed mid-map cost its chunks a second run on a live silo, not the map; a real cluster keeps its member list in Redis or SQL, listens on the network, and encrypts its traffic.
//
// **Documentation**
// - Orleans: [overview](https://learn.microsoft.com/dotnet/orleans/overview), [grains](https://learn.microsoft.com/dotnet/orleans/grains/), [grain placement](https://learn.microsoft.com/dotnet/orleans/grains/grain-placement), [stateless worker grains](https://learn.microsoft.com/dotnet/orleans/grains/stateless-worker-grains), [serialization](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/serialization), [clients](https://learn.microsoft.com/dotnet/orleans/host/client), [cluster management and membership](https://learn.microsoft.com/dotnet/orleans/implementation/cluster-management), [typical configurations](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/typical-configurations), [local development](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/local-development-configuration), [request scheduling (one call at a time)](https://learn.microsoft.com/dotnet/orleans/grains/request-scheduling)
// - Python: [Ray's `multiprocessing.Pool`](https://docs.ray.io/en/latest/ray-more-libs/multiprocessing.html), [Dask distributed](https://distributed.dask.org/en/stable/), [`multiprocessing.pool.Pool`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.pool.Pool)
// - .NET: [`Task.WhenAll`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task.whenall), [the generic host](https://learn.microsoft.com/dotnet/core/extensions/generic-host)

// %% [markdown]
// [⏪ 06 · 线程锁机制](06-thread-locks-and-conditions.ipynb) · [目录 · Contents ⏩](00-index.ipynb)
