using System.Globalization;
using System.Text.Json.Nodes;
using Helpers.Multiprocessing;
using Xunit;
using Xunit.Abstractions;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// The stop button on a cell blocked in the helpers: a real C# kernel (the runner's, in a process of
/// its own) runs cells that each block in one of the helpers' waits, and the runner cancels each one
/// as VS Code's stop button (and Jupyter's, with the project's kernelspec) does. Every blocked cell
/// must end promptly, report what it waited for and what it stopped, and leave a kernel whose next
/// cell runs and whose shared objects still work.
/// </summary>
[Collection(nameof(NotebookTests))] // One kernel at a time.
public sealed class CellInterruptTests(ITestOutputHelper output) : IClassFixture<LeakCheck>
{
    // Generous: a wait that ignored the Cancel would block forever; a quiet machine takes well under 1 s.
    private const double BoundSeconds = 10;

    // Each case: a name, the cell (it calls Signal() just before it blocks), and what its interrupt must say.
    private static readonly (string Name, string Cell, string[] Says)[] Cases =
    [
        ("Process.Join", "var p = new mp.Process(Forever);\np.Start();\nSignal();\np.Join();", ["to end (Join)", "terminated, exit code -15"]),
        // The Cancel may come while Map still hands out its tasks (then the report says so) or once it waits.
        ("Pool.Map", "var pool = new mp.Pool(2);\nSignal();\npool.Map(Slow, new[] { 1, 2, 3 });", ["Interrupted while waiting for", "Pool(processes=2) terminated"]),
        ("Pool.Apply on a pool of an earlier cell", "Signal();\nearlier.Apply(Slow, 1);", ["a result from the pool", "Pool(processes=1) terminated"]),
        ("Pool.Imap", "var pool3 = new mp.Pool(1);\nSignal();\nforeach (var x in pool3.Imap(Slow, new[] { 1, 2 })) { }", ["Interrupted while waiting for", "Pool(processes=1) terminated"]),
        ("Pool.Join", "var pool4 = new mp.Pool(1);\npool4.ApplyAsync(Slow, 1);\npool4.Close();\nSignal();\npool4.Join();", ["the pool's tasks to finish (Join)", "terminated"]),
        ("Queue.Get", "Signal();\nq.Get();", ["an item on the queue (Get)"]),
        ("Queue.Put on a full queue", "var full = new mp.Queue<int>(maxsize: 1);\nfull.Put(1);\nSignal();\nfull.Put(2);", ["a free place on the queue"]),
        ("JoinableQueue.Join", "var jq = new mp.JoinableQueue<int>();\njq.Put(1);\nSignal();\njq.Join();", ["a notify on the Condition"]),
        ("Connection.Recv", "Signal();\nreader.Recv();", ["a message on the pipe"]),
        ("Connection.Poll", "Signal();\nreader.Poll(null);", ["a message on the pipe"]),
        ("Connection.Wait", "Signal();\nmp.Connection.Wait(new object[] { reader });", ["(Connection.Wait)"]),
        ("Lock.Acquire", "Signal();\nheld.Acquire();", ["the Lock (Acquire)"]),
        ("Semaphore.Acquire", "var none = new mp.Semaphore(0);\nSignal();\nnone.Acquire();", ["the Semaphore (Acquire)"]),
        ("Condition.Wait", "using (c.EnterScope())\n{\n    Signal();\n    c.Wait();\n}", ["a notify on the Condition (Wait)"]),
        ("Event.Wait", "var e = new mp.Event();\nSignal();\ne.Wait();", ["a notify on the Condition"]),
        ("Barrier.Wait", "var bar = new mp.Barrier(2);\nSignal();\nbar.Wait();", ["a notify on the Condition"]),
        ("threading Thread.Join", "var never = new mp.Event();\nvar t = new Helpers.Threading.Thread((Action)(() => never.Wait())) { Daemon = true };\nt.Start();\nSignal();\nt.Join();", ["to end (Join)"]),
        ("threading Condition.Wait", "var tc = new Helpers.Threading.Condition();\nusing (tc.EnterScope())\n{\n    Signal();\n    tc.Wait();\n}", ["a notify on the Condition (Wait)"]),
        ("Exercise.Check", "Helpers.Exercises.Exercise.Check(\"99.1\", \"never ends\", () => { var child = new mp.Process(Forever); child.Start(); Signal(); child.Join(); return Helpers.Exercises.Verdict.Pass(\"no\"); });", ["Interrupted while waiting for", "terminated"]),
        ("a deadlock of two threads", Deadlock, ["to end (Join)"]),
        ("CPython's answer", "var py = Helpers.Measure.CPython.TryStart(out var why) ?? throw new InvalidOperationException(why);\nSignal();\npy.PrimesSeconds(\"threads\", 1, 2_000_000_000);", ["CPython's answer", "python3 (pid"]),
    ];

    // Notebook 06's deadlock: two threads take two locks in opposite orders.
    private const string Deadlock = """
        var a = new mp.Lock();
        var b = new mp.Lock();
        var both = new mp.Barrier(2);
        void Take(mp.Lock first, mp.Lock second) { first.Acquire(); both.Wait(); second.Acquire(); }
        var t1 = new Helpers.Threading.Thread((Action)(() => Take(a, b))) { Daemon = true };
        var t2 = new Helpers.Threading.Thread((Action)(() => Take(b, a))) { Daemon = true };
        t1.Start();
        t2.Start();
        Signal();
        t1.Join();
        """;

    [LinuxFact]
    public async Task A_cancelled_cell_blocked_in_any_helpers_wait_ends_says_why_and_the_next_cell_runs()
    {
        using var dir = new TempDir();
        var signal = dir.File("cancel-now");
        List<string> cells =
        [
            $"#r \"{typeof(Mp).Assembly.Location}\"\nusing mp = Helpers.Multiprocessing;\nmp.Mp.CpuCount()",
            $$"""
            void Forever() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
            int Slow(int x) { System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite); return x; }
            void Signal() => System.IO.File.WriteAllText(@"{{signal}}", "");
            var earlier = new mp.Pool(1);
            var q = new mp.Queue<int>();
            var (reader, writer) = mp.Pipe.Create(duplex: false);
            var held = new mp.Lock();
            held.Acquire();
            var c = new mp.Condition();
            """,
        ];
        var blocked = new List<int>();
        foreach (var (_, cell, _) in Cases)
        {
            blocked.Add(cells.Count);
            cells.Add(cell);
            cells.Add("Console.WriteLine($\"at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\");");
        }

        // After every interrupt: nothing the cells started runs (their threads' waits were interrupted
        // too), and the shared objects still work.
        cells.Add("""
            Console.WriteLine($"threads ended {!t.IsAlive && !t1.IsAlive && !t2.IsAlive}");
            q.Put(5);
            writer.Send("hello");
            Console.WriteLine($"children {mp.Mp.ActiveChildren().Count}, queue {q.Get()}, pipe {reader.Recv()}, condition free {c.Acquire(block: false)}, lock held {held.IsLocked}");
            """);
        var notebook = NotebookRun.Write(dir, "interrupts.ipynb", [.. cells]);

        var (_, executed) = await NotebookRun.RunAsync(notebook, dir, cancelSignal: signal);

        var outputs = NotebookRun.Outputs(executed).ToList();
        string TextOf(int cell) => string.Join("\n", outputs.Where(o => o.Cell == cell).Select(o => o.Text));
        var problems = new List<string>();
        for (var i = 0; i < Cases.Length; i++)
        {
            var (name, _, says) = Cases[i];
            var cell = blocked[i];
            var cancelledAt = (long?)executed[cell]!["metadata"]?["cancelled_at_ms"];
            var next = TextOf(cell + 1);
            var at = System.Text.RegularExpressions.Regex.Match(next, @"at (\d+)");
            if (cancelledAt is null || !at.Success)
            {
                problems.Add($"{name}: {(cancelledAt is null ? "never cancelled (did the cell block?)" : "the next cell did not run")}: {TextOf(cell)} | {next}");
                continue;
            }

            var seconds = (long.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture) - cancelledAt.Value) / 1000.0;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: the next cell ran {seconds:0.00} s after the Cancel: {next.Split('\n')[0]}"));
            if (seconds > BoundSeconds)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: the next cell ran only {seconds:0.0} s after the Cancel"));
            }

            problems.AddRange(says.Where(s => !next.Contains(s, StringComparison.Ordinal)).Select(s => $"{name}: the report lacks \"{s}\": {next}"));
        }

        var last = TextOf(executed.Count - 1);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("threads ended True", last, StringComparison.Ordinal);
        Assert.Contains("children 0, queue 5, pipe hello, condition free True, lock held True", last, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task A_cancelled_cell_blocked_in_a_cluster_map_ends_and_the_cluster_goes_on()
    {
        using var dir = new TempDir();
        var signal = dir.File("cancel-now");
        var notebook = NotebookRun.Write(dir, "cluster.ipynb",
            $"#r \"{typeof(Mp).Assembly.Location}\"\n#r \"{typeof(Helpers.Cluster.LocalCluster).Assembly.Location}\"\nusing mp = Helpers.Multiprocessing;\nmp.Mp.CpuCount()",
            $$"""
            int Slow(int x) { System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite); return x; }
            int Square(int x) => x * x;
            void Signal() => System.IO.File.WriteAllText(@"{{signal}}", "");
            var cluster = Helpers.Cluster.LocalCluster.Start(2);
            var pool = cluster.Pool();
            """,
            "Signal();\npool.Map(Slow, new[] { 1, 2, 3 });",
            "Console.WriteLine($\"at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\");",
            """
            using (var again = cluster.Pool()) Console.WriteLine($"squares {string.Join(",", again.Map(Square, new[] { 1, 2, 3 }))}");
            cluster.Dispose();
            """);

        var (_, executed) = await NotebookRun.RunAsync(notebook, dir, cancelSignal: signal);

        var outputs = NotebookRun.Outputs(executed).ToList();
        string TextOf(int cell) => string.Join("\n", outputs.Where(o => o.Cell == cell).Select(o => o.Text));
        var cancelledAt = (long?)executed[2]!["metadata"]?["cancelled_at_ms"];
        var at = System.Text.RegularExpressions.Regex.Match(TextOf(3), @"at (\d+)");
        Assert.True(cancelledAt is not null && at.Success, $"the map was not cancelled, or the next cell did not run: {TextOf(2)} | {TextOf(3)}");
        var seconds = (long.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture) - cancelledAt.Value) / 1000.0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster map: the next cell ran {seconds:0.00} s after the Cancel: {TextOf(3)}"));
        Assert.True(seconds <= BoundSeconds, $"the next cell ran only {seconds:0.0} s after the Cancel");
        Assert.Contains("ClusterPool(processes=2) terminated", TextOf(3), StringComparison.Ordinal);
        Assert.Contains("squares 1,4,9", TextOf(4), StringComparison.Ordinal);
    }
}
