using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Helpers.Multiprocessing;
using MP = Helpers.Multiprocessing;
using Process = Helpers.Multiprocessing.Process;

// Usage: dotnet run -c Release --project tests/Benchmarks [-- --cluster | --timeline | --start | --pipe | --queue | --phases]
// Prints each figure for the helpers (with the standby start method, the default, and with spawn)
// and for CPython's spawn, forkserver and fork (when python3 is on the PATH), measured now, in this
// one run on this machine: compare within the run, never across runs of a shared machine. Then the
// process pool beside a 2-silo local Orleans cluster; --cluster measures only the latter, --timeline
// only what a timeline's event costs, --start only the starts (and their floor: the smallest .NET
// program, started cold), --pipe only the pipe's round trip, here and in a notebook's kernel, --queue only the queue's rate,
// and each of its sides alone.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const int QueueItems = 2_000_000, Trips = 20_000, Increments = 1_000_000, PrimesLimit = 10_000_000;
var clusterOnly = args.Contains("--cluster");
var startOnly = args.Contains("--start");
if (args.Contains("--timeline"))
{
    TimelineRows();
    return 0;
}

Console.WriteLine($"{Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
if (args.Contains("--phases"))
{
    PhaseRows();
    return 0;
}

if (clusterOnly)
{
    return ClusterRows();
}

if (args.Contains("--pipe"))
{
    var console = Figures.Median(3, () => Figures.PipeRoundTrip(Trips));
    var kernel = Figures.PipeRoundTripInKernel(Trips);
    var workstation = Figures.PipeRoundTripInKernel(Trips, gcServer: false);
    double scoped;
    using (var cancel = new CancellationTokenSource())
    using (InterruptScope.Enter(cancel.Token))
    {
        scoped = Figures.Median(3, () => Figures.PipeRoundTrip(Trips));
    }

    // What a kernel changes: its cells run inside an interruptible scope, its process uses the server
    // collector, and after the setup it recompiles what it ran.
    Console.WriteLine($"Pipe round trip (µs, medians of 3): {console:F1} in this console program, {kernel?.Settled.ToString("F1") ?? "—"} in a notebook's kernel once settled "
        + $"({kernel?.Settled / console:F2}×; the goal: at most 1.2×; it settled {kernel?.SettleSeconds:F1} s after the setup).");
    Console.WriteLine($"  in the kernel at once after the setup, while it recompiles what the setup ran: {kernel?.AtOnce.ToString("F1") ?? "—"} ({kernel?.AtOnce / console:F2}×).");
    Console.WriteLine($"  in this console program, inside an interruptible scope as a notebook's cell runs: {scoped:F1} ({scoped / console:F2}×).");
    Console.WriteLine($"  in the kernel with the workstation garbage collector instead of the server one: {workstation?.Settled.ToString("F1") ?? "—"} ({workstation?.Settled / console:F2}×).");
    return 0;
}

if (args.Contains("--queue"))
{
    // Each side alone (the other's messages already there, or nobody reading yet), then both at once.
    const int Alone = 400_000; // 8 bytes each in the ring: fits in its 4 MiB, so the writer never waits for room.
    Mp.SetStartMethod(Mp.StandbyMethod, force: true);
    Figures.StartJoin(1, 0); // The first start, which also starts the first spare.
    Console.WriteLine($"Queue of small ints (M msg/s, medians of 5): {Figures.Median(5, () => Figures.QueueThroughput(QueueItems)) / 1e6:F2} child → parent with standby, "
        + $"{Figures.QueueWithSpawn(QueueItems, 5) / 1e6:F2} with spawn; {Figures.Median(5, () => Figures.QueueOneSide(Alone, put: true)) / 1e6:F2} puts alone, "
        + $"{Figures.Median(5, () => Figures.QueueOneSide(Alone, put: false)) / 1e6:F2} gets alone (the goal: 10).");
    Console.WriteLine("  With standby, the child took a spare, and the spare that replaces it starts on the same CPUs while the child floods the queue; spawn replaces none.");
    return 0;
}

// The floor of every start: the smallest .NET program, started cold as a child is (pipes on its
// standard streams), 20 in a row. What a helpers child costs beyond it is the helpers' own.
var floorCpu = Figures.ChildrenCpuMs();
var floor = new Dictionary<string, double>
{
    ["exec"] = Figures.Median(Figures.FloorStart(20, apphost: false)),
};
floorCpu = (Figures.ChildrenCpuMs() - floorCpu) / 21; // FloorStart starts one more, which reads the files from disk.
floor["apphost"] = Figures.Median(Figures.FloorStart(20, apphost: true));
var many = 2 * Mp.CpuCount();
var ours = new Dictionary<string, double>();
var cold = new Dictionary<string, double>();
foreach (var (method, figures) in new[] { (Mp.SpawnMethod, cold), (Mp.StandbyMethod, ours) })
{
    Mp.SetStartMethod(method, force: true);
    Figures.StartJoin(1, 0); // The first start of a program, which (with standby) also starts the first spare.
    (figures["start_paused"], figures["start_paused_p90"]) = Figures.MedianP90(Figures.StartJoin(10, 500));
    var cpu = Figures.ChildrenCpuMs();
    (figures["start_b2b"], figures["start_b2b_p90"]) = Figures.MedianP90(Figures.StartJoin(20, 0));
    if (Figures.ChildrenCpuMs() - cpu is { } used)
    {
        figures["start_b2b_cpu"] = used / 20;
    }

    figures["start_many"] = Figures.Median(5, () => Figures.StartMany(many, 500));
    figures["pool_start"] = Figures.PoolStart(2);
    figures["pool_start_all"] = Figures.PoolStart(Mp.CpuCount());
}

if (!startOnly)
{
    ours["queue"] = Figures.Median(3, () => Figures.QueueThroughput(QueueItems));
    cold["queue"] = Figures.QueueWithSpawn(QueueItems);
    ours["pipe"] = Figures.Median(3, () => Figures.PipeRoundTrip(Trips));
    if (Figures.PipeRoundTripInKernel(Trips) is { } inKernel)
    {
        (ours["pipe_kernel"], ours["pipe_kernel_at_once"]) = (inKernel.Settled, inKernel.AtOnce);
    }

    ours["lock"] = Figures.Median(3, () => Figures.LockedIncrements(Increments));
    foreach (var (key, value) in Figures.PoolFigures(Trips / 4, QueueItems / 2, PrimesLimit))
    {
        ours[key] = value;
    }
}

string[] methods = ["spawn", "forkserver", "fork"];
var python = methods.ToDictionary(m => m, m => CPython(m, startOnly));
double? Best(string key, bool higherIsBetter)
{
    var theirs = python.Values.Select(f => f?.GetValueOrDefault(key)).OfType<double>().Where(f => f > 0).ToList();
    return theirs.Count == 0 ? null : higherIsBetter ? theirs.Max() : theirs.Min();
}

Console.WriteLine();
Console.WriteLine($"The floor: the smallest .NET program, started cold 20 times in a row: {floor["exec"]:F1} ms with dotnet exec, {floor["apphost"]:F1} ms through its apphost (medians)"
    + (floorCpu is { } perStart ? $"; {perStart:F1} ms of CPU a start (dotnet exec)." : "."));
Console.WriteLine();
Console.WriteLine($"{"",-46}{"helpers",10}{"helpers",10}{"CPython",10}{"CPython",12}{"CPython",10}{"goal",12}{"standby",12}");
Console.WriteLine($"{"",-46}{"standby",10}{"spawn",10}{"spawn",10}{"forkserver",12}{"fork",10}{"",12}{"÷ goal",12}");
Row("Start + join, one child after a pause (ms)", "start_paused", higherIsBetter: false, python["fork"]?.GetValueOrDefault("start_paused") * 2, "2× fork");
Row("  the same, 90th percentile (ms)", "start_paused_p90", higherIsBetter: false);
Row("Start + join, 20 back to back (ms)", "start_b2b", higherIsBetter: false, 1.3 * floor["exec"], "1.3× floor");
Row("  the same, 90th percentile (ms)", "start_b2b_p90", higherIsBetter: false);
Row("  the same, CPU of the children a start (ms)", "start_b2b_cpu", higherIsBetter: false);
Row($"Start {many} in a loop, then join all (ms)", "start_many", higherIsBetter: false, 1.3 * many * floor["exec"] / Mp.CpuCount(), $"1.3×{many}×fl/{Mp.CpuCount()}");
Row("Pool(2) start-up, first map done (ms)", "pool_start", higherIsBetter: false, python["spawn"]?.GetValueOrDefault("pool_start"), "CPy spawn");
Row($"Pool({Mp.CpuCount()}) = Pool(CpuCount()) start-up (ms)", "pool_start_all", higherIsBetter: false, python["spawn"]?.GetValueOrDefault("pool_start_all"), "CPy spawn");
if (!startOnly)
{
    Row("Pool apply_async + get (µs)", "apply", higherIsBetter: false, Best("apply", higherIsBetter: false) / 5, "CPy best/5");
    Row("Pipe round trip (µs)", "pipe", higherIsBetter: false);
    Row("  the same, in a notebook's kernel (µs)", "pipe_kernel", higherIsBetter: false, ours.GetValueOrDefault("pipe") * 1.2, "1.2× console");
    Row("  in the kernel at once after the setup (µs)", "pipe_kernel_at_once", higherIsBetter: false);
    Row("Queue, small ints child → parent (msg/s)", "queue", higherIsBetter: true, 10e6, "10 M/s");
    Row("Value + Lock, 2 processes (increments/s)", "lock", higherIsBetter: true);
    Row("Pool map of tiny tasks (ns per task)", "map", higherIsBetter: false, Best("map", higherIsBetter: false), "CPy best");
    Row($"Pool speedup at {Environment.ProcessorCount} workers (primes, ~seconds)", "speedup", higherIsBetter: true);
}

Console.WriteLine();
Console.WriteLine("goal: what issue 25 asks of the helpers (standby), from this run's own figures; ÷ goal: at most 1.00 (a rate: at least) meets it.");
if (startOnly)
{
    return 0;
}

TimelineRows();
return ClusterRows();

// Where a child's start goes, phase by phase (a timeline of 20 starts back to back, each start
// method): the runtime's own start against what the helpers add (reading the request, loading the
// target, exiting).
static void PhaseRows()
{
    Console.WriteLine();
    Console.WriteLine($"{"A child's start, phase by phase (ms, medians of 20 back to back)",-66}{"standby",10}{"spawn",10}");
    var phases = new Dictionary<string, Dictionary<string, double>>();
    foreach (var method in new[] { Mp.StandbyMethod, Mp.SpawnMethod })
    {
        Mp.SetStartMethod(method, force: true);
        Figures.StartJoin(1, 0);
        using var timeline = Helpers.Tracing.Timeline.Start();
        Figures.StartJoin(20, 0);
        timeline.Stop();
        foreach (var group in timeline.Spans.Where(s => s.Kind == Helpers.Tracing.TimelineKind.Process).GroupBy(s => s.What))
        {
            phases.TryAdd(group.Key, []);
            phases[group.Key][method] = Figures.Median([.. group.Select(s => s.Duration)]);
        }
    }

    foreach (var (what, byMethod) in phases)
    {
        string Cell(string method) => byMethod.TryGetValue(method, out var ms) ? ms.ToString("F1") : "—";
        Console.WriteLine($"  {what,-64}{Cell(Mp.StandbyMethod),10}{Cell(Mp.SpawnMethod),10}");
    }

    // A pool's start after a pause, its spares ready: each worker's phases, from new Pool(2).
    Mp.SetStartMethod(Mp.StandbyMethod, force: true);
    Figures.StartMany(2, 0);
    Thread.Sleep(1000);
    using (var timeline = Helpers.Tracing.Timeline.Start())
    {
        var clock = Stopwatch.StartNew();
        using (var pool = new Pool(2))
        {
            pool.Map(Figures.Square, Enumerable.Range(0, 8), chunksize: 1);
            Console.WriteLine();
            Console.WriteLine($"Pool(2) after a pause, first map back in {clock.Elapsed.TotalMilliseconds:F1} ms; its workers' phases (ms from new Pool):");
        }

        timeline.Stop();
        foreach (var span in timeline.Spans.Where(s => s.Kind is Helpers.Tracing.TimelineKind.Process or Helpers.Tracing.TimelineKind.Task).OrderBy(s => s.Start).Take(12))
        {
            Console.WriteLine($"  {span.Lane.Name,-28}{span.What,-40}{span.Start,10:F1}{span.Duration,10:F1}");
        }
    }
}

// What a timeline costs: an event with it off (a null check), on in one process, on in two at once.
static void TimelineRows()
{
    const int Marks = 200_000;
    var (off, one, two) = (Figures.Median(3, () => Figures.MarkCost(Marks, on: false)), Figures.Median(3, () => Figures.MarkCost(Marks, on: true)), Figures.Median(3, () => Figures.MarkCostTwoProcesses(Marks)));
    var clock = Figures.Median(3, () => Figures.ClockRead(2 * Marks));
    Console.WriteLine();
    Console.WriteLine($"{"Timeline, cost of one event (ns)",-44}{"off",10}{"on",10}{"on, 2 processes",18}{"a clock read",14}");
    Console.WriteLine($"{"  Timeline.Mark begin or end",-44}{off,10:F1}{one,10:F1}{two,18:F1}{clock,14:F1}");
}

// Beyond one machine: both pools in one run, on this machine (the two silos share its cores).
static int ClusterRows()
{
    var (pool, cluster) = ClusterFigures.Measure(trips: 2_000, limit: 3_000_000);
    Console.WriteLine();
    Console.WriteLine($"{"",-44}{"process Pool",14}{"2-silo cluster",16}");
    Console.WriteLine($"{"Task round trip, apply + get (µs)",-44}{Format(pool["trip"]),14}{Format(cluster["trip"]),16}");
    Console.WriteLine($"{"Speedup at 2 workers / 2 silos (primes)",-44}{pool["speedup2"],14:F2}{cluster["speedup2"],16:F2}");
    return 0;
}

void Row(string what, string key, bool higherIsBetter, double? goal = null, string goalName = "")
{
    string Cell(Dictionary<string, double>? figures) => figures is not null && figures.TryGetValue(key, out var f) ? Format(f) : "—";
    var versus = goal is > 0 && ours.TryGetValue(key, out var mine) ? (higherIsBetter ? goal.Value / mine : mine / goal.Value).ToString("F2") : "";
    var target = goal is > 0 ? $"{goalName} {Format(goal.Value)}" : "";
    Console.WriteLine($"{what,-46}{Cell(ours),10}{Cell(cold),10}{Cell(python["spawn"]),10}{Cell(python["forkserver"]),12}{Cell(python["fork"]),10}{target,22}{versus,8}");
}

static string Format(double f) => f >= 1e6 ? $"{f / 1e6:F2} M" : f >= 1000 ? f.ToString("N0") : f.ToString("F1");

static Dictionary<string, double>? CPython(string method, bool startOnly)
{
    try
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cpython.py"));
        info.ArgumentList.Add(method);
        if (startOnly)
        {
            info.ArgumentList.Add("--start");
        }

        using var python = System.Diagnostics.Process.Start(info)!;
        var output = python.StandardOutput.ReadToEnd();
        if (!python.WaitForExit(TimeSpan.FromMinutes(5)) || python.ExitCode != 0)
        {
            return null;
        }

        return JsonSerializer.Deserialize<Dictionary<string, double>>(output);
    }
    catch (System.ComponentModel.Win32Exception)
    {
        Console.WriteLine("python3 is not on the PATH: CPython's column is empty.");
        return null;
    }
}

/// <summary>The measured workloads; the child targets are static methods here.</summary>
internal static class Figures
{
    /// <summary>Start + join of a no-op child, <paramref name="runs"/> times, <paramref name="pauseMs"/> apart (milliseconds each).</summary>
    public static List<double> StartJoin(int runs, int pauseMs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            Thread.Sleep(pauseMs);
            var clock = Stopwatch.StartNew();
            var child = new Process(Nothing);
            child.Start();
            child.Join();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>
    /// Start + wait of the smallest .NET program (<c>Floor/</c>), <paramref name="runs"/> times in a
    /// row, with its standard streams piped as a child's are: the floor of a child's start (ms each).
    /// </summary>
    public static List<double> FloorStart(int runs, bool apphost)
    {
        var directory = typeof(Figures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FloorDirectory").Value!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var info = apphost
            ? new ProcessStartInfo(Path.Combine(directory, OperatingSystem.IsWindows() ? "Floor.exe" : "Floor"))
            : new ProcessStartInfo(Path.Combine(dotnetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")) { ArgumentList = { "exec", Path.Combine(directory, "Floor.dll") } };
        info.RedirectStandardInput = info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var floor = System.Diagnostics.Process.Start(info)!;
            if (!floor.WaitForExit(TimeSpan.FromMinutes(1)) || floor.ExitCode != 0)
            {
                throw new InvalidOperationException($"The floor program ({info.FileName}) did not exit with 0 within a minute.");
            }

            if (i > 0) // The first one reads the files from disk, once.
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }

    /// <summary>
    /// The CPU time (user + system, ms) of this process's children that have ended and been waited
    /// for (<c>getrusage(RUSAGE_CHILDREN)</c>): what starts cost the machine, which a busy machine
    /// changes far less than their wall time. Null on Windows.
    /// </summary>
    public static double? ChildrenCpuMs()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        // struct rusage begins with two struct timevals (user, system): a seconds field of 8 bytes, then
        // microseconds in the low 4 bytes of the next 8 (suseconds_t is 8 bytes on Linux, 4 and padding on macOS).
        Span<long> usage = stackalloc long[18];
        if (GetRusage(RusageChildren, ref usage[0]) != 0)
        {
            return null;
        }

        return (usage[0] * 1e3) + ((int)usage[1] / 1e3) + (usage[2] * 1e3) + ((int)usage[3] / 1e3);
    }

    private const int RusageChildren = -1; // RUSAGE_CHILDREN, sys/resource.h, on Linux and macOS.

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, ref long usage);

    /// <summary>The note's own pattern: start <paramref name="n"/> children in a loop, then join them all, after a pause (ms in all).</summary>
    public static double StartMany(int n, int pauseMs)
    {
        Thread.Sleep(pauseMs);
        var clock = Stopwatch.StartNew();
        var children = new List<Process>();
        for (var i = 0; i < n; i++)
        {
            var child = new Process(Nothing);
            child.Start();
            children.Add(child);
        }

        foreach (var child in children)
        {
            child.Join();
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    public static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>The median of <paramref name="runs"/> measurements.</summary>
    public static double Median(int runs, Func<double> measure) => Median([.. Enumerable.Range(0, runs).Select(_ => measure())]);

    public static (double Median, double P90) MedianP90(List<double> times)
    {
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.9))]);
    }

    /// <summary>From new Pool(<paramref name="workers"/>) until a first map of 8 tiny tasks has returned, after a pause (ms; the median of 3).</summary>
    public static double PoolStart(int workers) => Median(3, () => PoolStartOnce(workers));

    private static double PoolStartOnce(int workers)
    {
        Thread.Sleep(500);
        var clock = Stopwatch.StartNew();
        using var pool = new Pool(workers);
        pool.Map(Square, Enumerable.Range(0, 8), chunksize: 1);
        return clock.Elapsed.TotalMilliseconds;
    }

    public static double QueueThroughput(int n)
    {
        using var q = new MP.Queue<int>();
        var child = new Process(Flood, q, n);
        child.Start();
        q.Get();
        var clock = Stopwatch.StartNew();
        for (var i = 1; i < n; i++)
        {
            q.Get();
        }

        var rate = (n - 1) / clock.Elapsed.TotalSeconds;
        child.Join();
        return rate;
    }

    /// <summary>
    /// <see cref="QueueThroughput"/> (median of <paramref name="runs"/>) with children started by
    /// spawn: no spare is started beside the child, so this is the queue's own rate.
    /// </summary>
    public static double QueueWithSpawn(int n, int runs = 3)
    {
        var method = Mp.GetStartMethod()!;
        Mp.SetStartMethod(Mp.SpawnMethod, force: true);
        try
        {
            return Median(runs, () => QueueThroughput(n));
        }
        finally
        {
            Mp.SetStartMethod(method, force: true);
        }
    }

    /// <summary>One side of <see cref="QueueThroughput"/> in this process, with nobody on the other: <paramref name="n"/> puts into an empty queue, or gets of <paramref name="n"/> items put before.</summary>
    public static double QueueOneSide(int n, bool put)
    {
        using var q = new MP.Queue<int>();
        if (!put)
        {
            Flood(q, n);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            if (put)
            {
                q.Put(i);
            }
            else
            {
                q.Get();
            }
        }

        return n / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// <see cref="PipeRoundTrip"/> as notebook 02 measures it, in a notebook's kernel: its cell, after
    /// the notebooks' own setup, run by the NotebookRunner (a C# kernel as Polyglot Notebooks sets it
    /// up, in a process of its own). Once at once after the setup, then, as a reader reaches notebook
    /// 02's cell, once the kernel has settled: after the setup a kernel recompiles what it ran
    /// (tiered compilation, on a thread of its own) for seconds, which takes one of the CPUs the
    /// round trip's two processes use. The settled figure is the median of 3, as here; null, with the
    /// reason printed, if the kernel could not run it.
    /// </summary>
    public static KernelPipe? PipeRoundTripInKernel(int trips, bool gcServer = true)
    {
        string Metadata(string key) => typeof(Figures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        var folder = Directory.CreateTempSubdirectory("helpers-bench-kernel-");
        try
        {
            string[] cells =
            [
                "#!import setup.dib",
                """
                void Echo(mp.Connection conn)
                {
                    while (conn.Recv() is long x) conn.Send(x);
                }

                double PipeRoundTripMicroseconds(int trips)
                {
                    var (near, far) = mp.Pipe.Create();
                    var echo = new Process(Echo, far);
                    echo.Start();
                    near.Send(0L); near.Recv();
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    for (long i = 0; i < trips; i++) { near.Send(i); near.Recv(); }
                    var micros = clock.Elapsed.TotalMicroseconds / trips;
                    near.Send(null);
                    echo.Join();
                    near.Dispose(); far.Dispose();
                    return micros;
                }
                """,
                $$"""
                var atOnce = PipeRoundTripMicroseconds({{trips}});
                // Settled: the kernel's own CPU time grows by less than a tenth of the wall time over half a second (at most 30 s).
                var self = System.Diagnostics.Process.GetCurrentProcess();
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    self.Refresh();
                    var before = self.TotalProcessorTime;
                    System.Threading.Thread.Sleep(500);
                    self.Refresh();
                    if ((self.TotalProcessorTime - before).TotalMilliseconds < 50) break;
                }

                var runs = Enumerable.Range(0, 3).Select(_ => PipeRoundTripMicroseconds({{trips}})).Order().ToList();
                Console.WriteLine(FormattableString.Invariant($"kernel-pipe-us {runs[1]} {atOnce} {waited.Elapsed.TotalSeconds}"));
                """,
            ];
            var notebook = new
            {
                cells = cells.Select(c => new { cell_type = "code", execution_count = (int?)null, metadata = new { dotnet_interactive = new { language = "csharp" }, polyglot_notebook = new { kernelName = "csharp" } }, outputs = Array.Empty<object>(), source = c }),
                metadata = new
                {
                    kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" },
                    polyglot_notebook = new { kernelInfo = new { defaultKernelName = "csharp", items = new[] { new { name = "csharp" } } } },
                },
                nbformat = 4,
                nbformat_minor = 5,
            };
            var input = Path.Combine(folder.FullName, "pipe.ipynb");
            var output = Path.Combine(folder.FullName, "pipe.executed.ipynb");
            File.WriteAllText(input, JsonSerializer.Serialize(notebook));
            // The kernel Jupyter and VS Code start (the dotnet-interactive tool) runs with the server
            // garbage collector (System.GC.Server in its runtimeconfig.json): so does this one. A
            // runtimeconfig, not DOTNET_gcServer, which the children would inherit.
            var runner = Metadata("NotebookRunnerDll");
            var config = JsonSerializer.Deserialize<System.Text.Json.Nodes.JsonObject>(File.ReadAllText(Path.ChangeExtension(runner, ".runtimeconfig.json")))!;
            config["runtimeOptions"]!["configProperties"]!["System.GC.Server"] = gcServer;
            var configPath = Path.Combine(folder.FullName, "kernel.runtimeconfig.json");
            File.WriteAllText(configPath, config.ToJsonString());
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["exec", "--runtimeconfig", configPath, runner, "--one", input, output, Metadata("NotebooksDirectory")])
            {
                info.ArgumentList.Add(argument);
            }

            using var kernel = System.Diagnostics.Process.Start(info)!;
            var errors = kernel.StandardError.ReadToEndAsync();
            _ = kernel.StandardOutput.ReadToEnd();
            if (!kernel.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                kernel.Kill(entireProcessTree: true);
                Console.Error.WriteLine("The kernel's pipe: the notebook did not finish within 5 minutes.");
                return null;
            }

            var text = File.Exists(output) ? File.ReadAllText(output) : "";
            var at = text.IndexOf("kernel-pipe-us ", StringComparison.Ordinal);
            if (kernel.ExitCode != 0 || at < 0)
            {
                Console.Error.WriteLine($"The kernel's pipe could not be measured (exit code {kernel.ExitCode}): {errors.Result}");
                return null;
            }

            var figures = new string([.. text[(at + "kernel-pipe-us ".Length)..].TakeWhile(c => char.IsDigit(c) || c is '.' or ' ')])
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return new KernelPipe(figures[0], figures[1], figures[2]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The kernel's round trips (µs): settled, and at once after the setup; and how long it took to settle (s).</summary>
    public sealed record KernelPipe(double Settled, double AtOnce, double SettleSeconds);

    public static double PipeRoundTrip(int trips)
    {
        var (near, far) = Pipe.Create();
        using (near)
        using (far)
        {
            var child = new Process(Echo, far);
            child.Start();
            near.Send(0L);
            near.Recv();
            var clock = Stopwatch.StartNew();
            for (long i = 0; i < trips; i++)
            {
                near.Send(i);
                near.Recv();
            }

            var micros = clock.Elapsed.TotalMicroseconds / trips;
            near.Send(null);
            child.Join();
            return micros;
        }
    }

    public static double LockedIncrements(int times)
    {
        using var v = new Value<int>(0, @lock: false);
        using var l = new MP.Lock();
        using var start = new MP.Barrier(2);
        using var elapsed = new MP.Array<double>(2);
        var children = Enumerable.Range(0, 2).Select(i => new Process(AddLocked, v, times, start, l, elapsed, i)).ToList();
        children.ForEach(c => c.Start());
        children.ForEach(c => c.Join());
        if (v.Get() != 2 * times)
        {
            throw new InvalidOperationException($"Lost updates under the lock: {v.Get()} of {2 * times}.");
        }

        return 2 * times / elapsed.Max();
    }

    public static Dictionary<string, double> PoolFigures(int trips, int items, int limit)
    {
        var pool = new Pool(2);
        pool.Map(Square, Enumerable.Range(0, 8), chunksize: 1);
        // Steady state: after a pause (the spares that replace the workers start meanwhile) and
        // 2,000 untimed tasks (tiered compilation), as CPython's side does.
        Thread.Sleep(1000);
        for (var i = 0; i < 2000; i++)
        {
            pool.ApplyAsync(Square, i).Get();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < trips; i++)
        {
            pool.ApplyAsync(Square, i).Get();
        }

        var apply = clock.Elapsed.TotalMicroseconds / trips;
        var range = Enumerable.Range(0, items).ToArray();
        pool.Map(Square, range);
        clock.Restart();
        pool.Map(Square, range);
        var map = clock.Elapsed.TotalNanoseconds / items;
        pool.Close();
        pool.Join();

        var ranges = Enumerable.Range(0, 48).Select(i => (i * limit / 48, (i + 1) * limit / 48)).ToList();
        var times = new Dictionary<int, double>();
        foreach (var n in new[] { 1, Environment.ProcessorCount })
        {
            using var p = new Pool(n);
            p.Map(Square, Enumerable.Range(0, 4 * n), chunksize: 1);
            times[n] = Median(3, () =>
            {
                var c = Stopwatch.StartNew();
                p.Starmap(CountPrimes, ranges, chunksize: 1);
                return c.Elapsed.TotalSeconds;
            });
        }

        return new() { ["apply"] = apply, ["map"] = map, ["speedup"] = times[1] / times[Environment.ProcessorCount] };

    }

    /// <summary>Nanoseconds per event of <see cref="Helpers.Tracing.Timeline.Mark"/> (a begin and an end each), with a timeline on or off.</summary>
    public static double MarkCost(int marks, bool on)
    {
        using var timeline = on ? Helpers.Tracing.Timeline.Start(capacity: (2 * marks) + 16) : null;
        var clock = Stopwatch.StartNew();
        MarkMany(marks);
        var nanos = clock.Elapsed.TotalNanoseconds / (2 * marks);
        timeline?.Stop();
        if (timeline is { Dropped: > 0 })
        {
            throw new InvalidOperationException("The benchmark's timeline was too small.");
        }

        return nanos;
    }

    /// <summary>The same with two children recording into one timeline at once (their writes meet on the timeline's counter).</summary>
    public static double MarkCostTwoProcesses(int marks)
    {
        using var timeline = Helpers.Tracing.Timeline.Start(capacity: (4 * marks) + 64);
        using var start = new MP.Barrier(2);
        using var elapsed = new MP.Array<double>(2);
        var children = Enumerable.Range(0, 2).Select(i => new Process(MarkInChild, marks, start, elapsed, i)).ToList();
        children.ForEach(c => c.Start());
        children.ForEach(c => c.Join());
        timeline.Stop();
        return elapsed.Max() * 1e9 / (2 * marks);
    }

    /// <summary>Nanoseconds of one <see cref="Stopwatch.GetTimestamp"/>, the clock every event reads: the floor of an event's cost.</summary>
    public static double ClockRead(int reads)
    {
        var sum = 0L;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < reads; i++)
        {
            sum += Stopwatch.GetTimestamp();
        }

        var nanos = clock.Elapsed.TotalNanoseconds / reads;
        return sum == 0 ? double.NaN : nanos;
    }

    private static void MarkInChild(int marks, MP.Barrier start, MP.Array<double> elapsed, int index)
    {
        start.Wait();
        var clock = Stopwatch.StartNew();
        MarkMany(marks);
        elapsed[index] = clock.Elapsed.TotalSeconds;
    }

    private static void MarkMany(int marks)
    {
        for (var i = 0; i < marks; i++)
        {
            using (Helpers.Tracing.Timeline.Mark("mark"))
            {
            }
        }
    }

    public static int Square(int x) => x * x;

    private static void Nothing()
    {
    }

    private static int CountPrimes(int from, int to)
    {
        var count = 0;
        for (var n = Math.Max(from, 2); n < to; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n; d++)
            {
                if (n % d == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                count++;
            }
        }

        return count;
    }

    private static void Flood(MP.Queue<int> q, int n)
    {
        for (var i = 0; i < n; i++)
        {
            q.Put(i);
        }
    }

    private static void Echo(Connection conn)
    {
        while (conn.Recv() is long x)
        {
            conn.Send(x);
        }
    }

    private static void AddLocked(Value<int> v, int times, MP.Barrier start, MP.Lock l, MP.Array<double> elapsed, int index)
    {
        start.Wait();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < times; i++)
        {
            l.Acquire();
            v.Set(v.Get() + 1);
            l.Release();
        }

        elapsed[index] = clock.Elapsed.TotalSeconds;
    }
}
