// Generated from notebooks/08-actors-and-faults.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`: edit the notebook, not this file, and run that command again.
// Run it from the repository's folder: dotnet run --file lessons/08-actors-and-faults.cs · as a notebook: jupytext --to ipynb --set-kernel .net-csharp lessons/08-actors-and-faults.cs

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
// [← 07 · 从一台机器到多台](07-beyond-one-machine.ipynb) · [目录 · Contents](00-index.ipynb)
//
// # 08 · 参与者与故障 · Actors and faults
//
// [Notebook 07](07-beyond-one-machine.ipynb) ran a pool's functions on an Orleans cluster: pure functions, whose results come back and which keep no state on the silos between calls. A cluster adds two things a single machine rarely shows. **State that lives on the cluster**: in [notebook 03](03-process-locks-and-shared-memory.ipynb) two processes shared a `Value` and needed a `Lock`; here the state lives inside one **actor**, an Orleans grain, which takes its calls one at a time and needs no lock. **Parts that fail**: a silo is killed in the middle of a map, and the pool sends the lost work again, to the silo that is left. Python users meet both in Ray: [actors](https://docs.ray.io/en/latest/ray-core/actors.html) (a `@ray.remote` class; by default each actor is single-threaded and runs one method call at a time) and [task retries](https://docs.ray.io/en/latest/ray-core/fault_tolerance/tasks.html) (a task whose worker died runs again, up to 3 times by default).
//
// What differs from notebook 03's `Value` + `Lock` and from a process `Pool`:
// - **State**: a grain's fields are touched only by the grain's own code, one call at a time; callers send messages, so no caller can forget a lock. The price is a message per update.
// - **Where the state lives**: in the memory of one silo. If that silo dies, the grain starts again on a live silo with a fresh state, unless it saved it.
// - **Lost work**: the chunks a pool loses with a silo are sent again to a live one, which is safe because a pool's functions are meant to be pure. The helpers' process `Pool` fails a task whose worker died, with `WorkerLostException`, and CPython's `multiprocessing.Pool` never delivers its result.

// %% [markdown]
// **What you will learn · 学习目标**
//
// - Use a grain as the actor model's answer to notebook 03's `Value` + `Lock`: many calls in flight, one at a time inside, no lock.
// - Say what "one call at a time" covers and what it does not: one activation of an ordinary grain; `[Reentrant]` and `[StatelessWorker]` change it; the state lives in one silo's memory.
// - Reach a grain by its key from any caller (exercise 08.2).
// - Kill a silo in the middle of a map, and read what the pool did: which calls it sent again, and why running a pure function twice is safe.
// - Optional (深入 · Going deeper): read how a real cluster keeps its member list, listens on the network and detects a dead silo.

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
// ## 集群 · The cluster
//
// The same local cluster as in [notebook 07](07-beyond-one-machine.ipynb), which explains its parts: two silos, children of this kernel, listening on 127.0.0.1 only; the list of members is in a `redis-server` the cluster started for itself, so any silo can die. The cell prints how long the start took, and where the list of members is:

// %%
var clock = System.Diagnostics.Stopwatch.StartNew();
var cluster = LocalCluster.Start(silos: 2);
Console.WriteLine($"{cluster.Silos.Count} silos up in {clock.Elapsed.TotalSeconds:F1} s, on 127.0.0.1 only: silo ports {string.Join(", ", cluster.SiloPorts)}, gateways {string.Join(", ", cluster.GatewayPorts)}.");
Console.WriteLine(cluster.Membership);
display(cluster.Silos);

// %% [markdown]
// ## 参与者模型 · A grain instead of `Value` + `Lock`
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
// A grain is named by a key; asking for the same key anywhere in the cluster reaches the same grain. Here 2,000 `Add(1)` calls leave this notebook at once, without waiting for each other, and arrive at the grain in some order. The cell checks the total and times the calls:

// %%
var counter = cluster.Client.GetGrain<ICounterGrain>("lesson-08");
var before = await counter.Total();
var sending = System.Diagnostics.Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, 2_000).Select(_ => counter.Add(1)));
var sendMs = sending.Elapsed.TotalMilliseconds;
var callMicros = 1000 * sendMs / 2_000;
var after = await counter.Total();
var home = await counter.Where();
Console.WriteLine(after - before == 2_000
    ? $"2,000 concurrent Add(1) calls raised the total from {before:N0} to {after:N0}: none lost, and no lock was written. They took {sendMs:F0} ms, about {callMicros:F0} µs a call. The grain lives in silo pid {home.Pid}; every call went there, one at a time."
    : $"The total rose by {after - before:N0}, not 2,000: that would be a bug in Orleans' one-call-at-a-time rule, or another caller using the same key.");

// %% [markdown]
// The lock has not vanished: Orleans' scheduler plays its part, giving the grain one turn at a time. What changed is who writes it. With `Value` + `Lock` every caller must remember to take the lock, and forgetting it is the bug of notebook 03; with a grain, no caller can reach the state except through a call.
//
// What "one call at a time" covers ([request scheduling](https://learn.microsoft.com/dotnet/orleans/grains/request-scheduling)):
// - **One activation of an ordinary grain.** By default an activation runs each call from start to end before the next one begins, even across an `await`. A grain class marked `[Reentrant]` lets another call start while one waits at an `await`, so its fields can change across that `await`. A `[StatelessWorker]` grain has several activations (on several silos, and more on one silo while they are busy), each with its own fields: no place for a shared total.
// - **One silo's memory.** If that silo dies, the next call activates the grain again on a live silo, with a fresh state, unless the grain saved it ([grain persistence](https://learn.microsoft.com/dotnet/orleans/grains/grain-persistence/)). And while the cluster is still deciding that a silo is dead, Orleans' default grain directory can briefly allow a second activation of the same grain ([grain directory](https://learn.microsoft.com/dotnet/orleans/host/grain-directory)).
// - **At the price of a message per update.** The time per call above was measured with all 2,000 calls in flight, so it is the grain's pace, not one call's round trip. For scale, the same kind of addition under a .NET `lock`, on one thread of this kernel, where nobody waits:

// %%
const int Additions = 1_000_000;
var gate = new object();
long lockedSum = 0;
var lockClock = System.Diagnostics.Stopwatch.StartNew();
for (var i = 0; i < Additions; i++) { lock (gate) lockedSum++; }
var nsEach = lockClock.Elapsed.TotalMilliseconds * 1_000_000 / Additions;
Console.WriteLine($"{lockedSum:N0} additions under a lock took {nsEach:F1} ns each; the grain took about {callMicros:F0} µs a call above" +
                  (nsEach > 0 ? $", about {1000 * callMicros / nsEach:N0} times as long: a message, not a memory write." : "."));

// %% [markdown]
// ## 当一个 silo 死去 · When a silo dies
//
// A silo is killed (SIGKILL) in the middle of a map. Its calls get no answer; the pool notices the silo has left the cluster (Orleans' membership declares it dead after a few failed probes, tuned to about 3 s on a local cluster) or that a call to it failed, and sends its chunks to a worker on a live silo. Every call in flight at that moment is sent again, not only those to the dead silo: a call to a live silo may have gone through the dead silo's gateway, and its reply would never come back. Look for the map to finish with every result. A chunk lost three times (a function that ends its own process, say) fails with `WorkerLostException` instead of running forever. The silo killed is **silo 0**, the first one started: the member list is not in any silo but in Redis, as in a real cluster (see the last section), so silo 1 declares silo 0 dead, records it there, and the cluster goes on with silo 1. (Without `redis-server`, the start cell above said so: silo 0 then keeps the list, and killing it ends the cluster.)
//
// A task that sleeps 50 ms and returns where it ran:

// %%
(int Task, int Pid) SlowWhere(int task)
{
    Thread.Sleep(50);
    return (task, Environment.ProcessId);
}

// %% [markdown]
// 200 tasks in chunks of 5 on four workers, two per silo; the first result shows the map is under way, then silo 0 is killed, and the rest are read as they come:

// %%
var faultPool = cluster.Pool(4);
var faultTimeline = Timeline.Start();   // the pool's calls, drawn below
var results = faultPool.ImapUnordered(SlowWhere, Enumerable.Range(0, 200), chunksize: 5);
var reader = results.GetEnumerator();
reader.MoveNext();
var ran = new List<int> { reader.Current.Pid };
var victim = cluster.Silos[0];
var sinceKill = System.Diagnostics.Stopwatch.StartNew();
using (Timeline.Mark("silo 0 killed")) victim.Kill();
while (reader.MoveNext()) ran.Add(reader.Current.Pid);
var finished = sinceKill.Elapsed.TotalSeconds;
faultTimeline.Stop();
Console.WriteLine($"Silo 0 (pid {victim.Pid}) was killed after the first result; the map returned {ran.Count} of its 200 results, {finished:F1} s after the kill. " +
                  (faultPool.Retries == 0
                      ? "No chunk had to be sent again: none was in flight when silo 0 died."
                      : $"The pool sent a chunk again {faultPool.Retries} times: the calls in flight when silo 0 left, to either silo, all ran again on silo 1 (pid {cluster.Silos[1].Pid})."));
var afterKill = faultPool.Map(SlowWhere, Enumerable.Range(0, 8), chunksize: 1).Select(r => r.Pid).Distinct().ToList();
Console.WriteLine(afterKill.SequenceEqual(new[] { cluster.Silos[1].Pid!.Value })
    ? $"The cluster goes on: a new map of 8 tasks ran on silo 1 (pid {cluster.Silos[1].Pid}), the silo that is left."
    : $"A new map ran on pids {string.Join(", ", afterKill)}.");
faultPool.Dispose();
display(ran.GroupBy(pid => pid).Select(g => new { Process = g.Key == victim.Pid ? $"silo 0, pid {g.Key} (killed)" : $"silo 1, pid {g.Key}", Results = g.Count() }).ToTabularDataResource());

// %% [markdown]
// What to look for: the table counts the results by the silo that returned them; silo 0's share is what it finished before the kill. The number of chunks sent again can be larger than the chunks silo 0 held: calls to silo 1 that were in flight at that moment were sent again too, because their replies might have come back through silo 0's gateway. A chunk that ran on silo 1 before its resend runs twice; for a pure function that costs time, not correctness.

// %% [markdown]
// The map's calls on a timeline: a row per silo and pool worker, a bar per call from sent to answered. A call lost with its silo is drawn cut, in red, ending where the pool gave up on it; a chunk sent again is a new call, named "… sent again", on silo 1. The kernel's row marks the kill:

// %%
display(faultTimeline.ToChart("The map's calls around the kill of silo 0", s => s.Kind is TimelineKind.Call or TimelineKind.Mark));

// %% [markdown]
// What the timeline shows, computed from it:

// %%
var mapCalls = faultTimeline.Spans.Where(s => s.Kind == TimelineKind.Call).ToList();
var killedAt = faultTimeline.Spans.Single(s => s.What == "silo 0 killed").Start;
var lostCalls = mapCalls.Where(c => c.Cut).ToList();
var sentAgain = mapCalls.Where(c => c.What.EndsWith("sent again", StringComparison.Ordinal)).ToList();
Console.WriteLine($"{mapCalls.Count} calls in all. " + (lostCalls.Count == 0
    ? "None was lost: no call was in flight when silo 0 died."
    : $"{lostCalls.Count} were lost; the pool gave up on the last of them {lostCalls.Max(c => c.End) - killedAt:N0} ms after the kill. " +
      (sentAgain.Count == 0 ? "" : $"{sentAgain.Count} chunks were sent again, the first {sentAgain.Min(c => c.Start) - killedAt:N0} ms after the kill.")));

// %% [markdown]
// ## 结束集群 · Ending the cluster
//
// `Dispose` disconnects the client and kills the silos that are left (silo 0 is dead already), then the cluster's `redis-server`. The cell counts the silo processes still running afterwards: look for 0.

// %%
bool Running(int pid)
{
    try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
    catch (ArgumentException) { return false; }   // no such process
}

var pids = cluster.Silos.Select(s => s.Pid.Value).ToList();
cluster.Dispose();
Console.WriteLine($"silo processes still running after Dispose: {pids.Count(Running)} of {pids.Count} (pids {string.Join(", ", pids)})");

// %% [markdown]
// ## 深入 · Going deeper: 真正的多台机器 · On real machines
//
// *Optional: nothing in this section runs, and the exercises do not need it. Read it in class if there is time, or afterwards.*
//
// The same `ClusterPool` works with any connected Orleans client: `new ClusterPool(client)`. What changes is how the silos find each other, and where they listen. What follows is the configuration a real cluster uses.
//
// **Membership in a shared store.** Every silo and client reads the member list from a database, so any silo can die, silo 0 too, as above: the [Redis](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/typical-configurations) provider (`Microsoft.Orleans.Clustering.Redis`) or an SQL database through ADO.NET (`Microsoft.Orleans.Clustering.AdoNet`, with its table scripts), both released with the rest of Orleans (10.4.2 here). The local cluster above runs this very configuration (`cluster/SiloHost.cs`), with loopback addresses, a ClusterId of its own and a faster failure detection.
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
// **Also different on a network:** every silo machine needs .NET, `Helpers.Cluster.dll` with Orleans, and `Helpers.dll` (the functions' own code travels, as above; a DLL a cell loads with `#r` must be at the same path on every machine); traffic between machines should be encrypted (`Microsoft.Orleans.Connections.Security`, TLS); a message costs a network round trip, so chunks should be larger; and failure detection must be slower than on loopback, because a network drops packets without a process dying: keep Orleans' defaults (three missed probes raise a suspicion, and two silos' suspicions declare a silo dead), which its [documentation](https://learn.microsoft.com/dotnet/orleans/implementation/cluster-management) puts at about 15 seconds.

// %% [markdown]
// ## 练习 · Exercises
//
// Each exercise names what it practises, then gives a task, a hint you can open, a cell to edit between `// BEGIN SOLUTION` and `// END SOLUTION`, and a check cell. The check runs your code for real and shows ✓, or ✗ with what it expected and what it saw. It never hangs: after its time limit it gives up. Until you write a solution, the check says *not done yet*.
//
// The exercises need a cluster again (the one above was ended): start one.

// %%
var exerciseCluster = LocalCluster.Start(silos: 2);
display($"{exerciseCluster}");

// %% [markdown]
// ### 08.1 · Many callers, one actor · 多个调用者，一个参与者
//
// *Practises:* calling a grain asynchronously, many calls in flight at once (`Task.WhenAll`), and relying on the actor's one-call-at-a-time rule instead of a lock.
//
// Write `AddConcurrently(counter, calls)`: start `calls` calls of `counter.Add(1)` **without waiting for each before the next**, and return one task that gives the totals they returned (one per call). The check verifies that the grain's total rose by exactly `calls`, and that the totals your calls saw are all different: each call saw the state the call before it left.
//
// <details><summary>Hint · 提示</summary>
//
// What does `counter.Add(1)` give back before the grain has answered? Start every call first and keep what each one returns; then look at `Task.WhenAll`: which task completes when all of them have, and what result does it carry?
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
display(Exercise.Check("08.1", "AddConcurrently(counter, n) makes n concurrent Add(1) calls: the total rises by n, and every call sees a different total", () =>
{
    var counter = exerciseCluster.Client.GetGrain<ICounterGrain>($"exercise-{Guid.NewGuid():N}");
    const int calls = 500;
    var seen = AddConcurrently(counter, calls).GetAwaiter().GetResult();
    var total = counter.Total().GetAwaiter().GetResult();
    if (seen is null || seen.Length != calls) return Verdict.Fail($"expected {calls} totals, one per call; got {seen?.Length ?? 0}.");
    return total == calls && seen.Distinct().Count() == calls && seen.Max() == calls
        ? Verdict.Pass($"{calls} calls in flight together; the grain's total is {total:N0}, and the calls saw {calls} different totals, 1 to {calls}: one call at a time, nothing lost, no lock.")
        : Verdict.Fail($"expected a total of {calls} and {calls} different totals from 1 to {calls}; the grain holds {total:N0}, and the calls saw {seen.Distinct().Count()} different totals.");
}, timeout: 60));

// %% [markdown]
// ### 08.2 · One key, one actor · 一个键，一个参与者
//
// *Practises:* naming grains by key: the same key reaches the same grain from any caller, and different keys are different actors, each with its own state and its own turn.
//
// Write `AddPerKey(cluster, keys)`: for each entry of `keys` (a key may appear many times), call `Add(1)` on the counter grain of that key, all calls in flight together, and return one task that gives the totals they returned, in the order of `keys`. The check uses three fresh keys, one appearing 30 times, one 20 times and one 10 times, mixed, and then reads each counter's `Total()`.
//
// <details><summary>Hint · 提示</summary>
//
// How did the actor section above get its counter from `cluster.Client`? Asking again for the same key: does that make a second grain, or a second reference to the same one? The rest is exercise 08.1, with one grain per entry.
// </details>

// %%
// Adds 1 to the counter grain of each key in `keys` (a key may repeat), all calls in flight together; returns the totals the calls returned.
Task<long[]> AddPerKey(LocalCluster cluster, string[] keys)
{
    // BEGIN SOLUTION
    return Task.WhenAll(keys.Select(key => cluster.Client.GetGrain<ICounterGrain>(key).Add(1)));
    // END SOLUTION
}

// %% [markdown]
// The check makes three keys nobody has used (a new name each run), runs your function once, and compares each counter with how often its key appeared:

// %%
display(Exercise.Check("08.2", "AddPerKey(cluster, keys) adds 1 to the counter of each key: each counter ends at how often its key appeared, and that key's calls saw 1, 2, 3 …", () =>
{
    var run = Guid.NewGuid().ToString("N");
    var names = new[] { "a", "b", "c" }.Select(k => $"exercise-{run}-{k}").ToArray();
    var keys = Enumerable.Range(0, 60).Select(i => names[i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2]).ToArray();   // a 30 times, b 20, c 10, mixed
    var seen = AddPerKey(exerciseCluster, keys).GetAwaiter().GetResult();
    if (seen is null || seen.Length != keys.Length) return Verdict.Fail($"expected {keys.Length} totals, one per entry of keys; got {seen?.Length ?? 0}.");
    var expected = names.Select(n => (long)keys.Count(k => k == n)).ToArray();
    var totals = names.Select(n => exerciseCluster.Client.GetGrain<ICounterGrain>(n).Total().GetAwaiter().GetResult()).ToArray();
    var perKey = names.Select(n => Enumerable.Range(0, keys.Length).Where(i => keys[i] == n).Select(i => seen[i]).Order().ToArray()).ToArray();
    var right = Enumerable.Range(0, names.Length).All(j => totals[j] == expected[j] && perKey[j].SequenceEqual(Enumerable.Range(1, (int)expected[j]).Select(x => (long)x)));
    return right
        ? Verdict.Pass($"3 keys, {keys.Length} calls in flight together: the counters hold {Exercise.Show(totals)}, as often as each key appeared, and each key's calls saw 1 to its total: one actor per key, one call at a time each.")
        : Verdict.Fail($"the keys appeared {Exercise.Show(expected)} times; their counters hold {Exercise.Show(totals)}, and the calls saw {Exercise.Show(perKey.Select(p => p.Length == 0 ? 0 : p.Max()))} as the highest total of each key. Does each call go to the grain of its own key?");
}, timeout: 60));

// %% [markdown]
// The exercises' cluster, ended:

// %%
exerciseCluster.Dispose();
display($"{exerciseCluster}");

// %% [markdown]
// ## 小结 · Summary
//
// - A grain is an actor: its state is touched only by its own code, one call at a time, so 2,000 concurrent `Add(1)` calls needed no lock; the price is a message per update, which the cells above timed beside a `lock` in one process.
// - "One call at a time" is the rule for one activation of an ordinary grain: `[Reentrant]` lets calls interleave at their `await`s, a `[StatelessWorker]` grain has many activations, and the state lives in one silo's memory unless the grain persists it.
// - A grain is named by its key: the same key reaches the same grain from any caller, and different keys are separate actors (exercise 08.2).
// - When a silo dies in the middle of a map, silo 0 included (the member list is in Redis, not in a silo), the pool sends the calls in flight again, to a live silo, and the map returns every result: a pure function can run twice safely. Ray reruns a task whose worker died (3 times by default); the helpers' process `Pool` fails it; CPython's `multiprocessing.Pool` never delivers it.
// - A real cluster keeps its member list in a shared store (Redis, SQL), listens on the network, encrypts its traffic, and declares a silo dead more slowly than a local cluster (深入 · Going deeper).
//
// **Documentation**
// - Orleans: [grains](https://learn.microsoft.com/dotnet/orleans/grains/), [request scheduling (one call at a time, reentrancy)](https://learn.microsoft.com/dotnet/orleans/grains/request-scheduling), [stateless worker grains](https://learn.microsoft.com/dotnet/orleans/grains/stateless-worker-grains), [grain persistence](https://learn.microsoft.com/dotnet/orleans/grains/grain-persistence/), [grain directory](https://learn.microsoft.com/dotnet/orleans/host/grain-directory), [cluster management and membership](https://learn.microsoft.com/dotnet/orleans/implementation/cluster-management), [typical configurations](https://learn.microsoft.com/dotnet/orleans/host/configuration-guide/typical-configurations), [clients](https://learn.microsoft.com/dotnet/orleans/host/client)
// - Python: [Ray actors](https://docs.ray.io/en/latest/ray-core/actors.html), [Ray task fault tolerance](https://docs.ray.io/en/latest/ray-core/fault_tolerance/tasks.html), [Ray actor fault tolerance](https://docs.ray.io/en/latest/ray-core/fault_tolerance/actors.html), [`multiprocessing.Value`](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Value)
// - .NET: [`Task.WhenAll`](https://learn.microsoft.com/dotnet/api/system.threading.tasks.task.whenall), [the `lock` statement](https://learn.microsoft.com/dotnet/csharp/language-reference/statements/lock), [the generic host](https://learn.microsoft.com/dotnet/core/extensions/generic-host)

// %% [markdown]
// [← 07 · 从一台机器到多台](07-beyond-one-machine.ipynb) · [目录 · Contents](00-index.ipynb)
