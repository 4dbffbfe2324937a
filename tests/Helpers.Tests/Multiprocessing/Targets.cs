using System.Text.Json;
using System.Text.Json.Serialization;
using Helpers.Multiprocessing;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Methods the tests run in child processes. They report through files, which the parent reads.</summary>
internal static class Targets
{
    public static void Nothing()
    {
    }

    public static void Sleep(double seconds) => Thread.Sleep(TimeSpan.FromSeconds(seconds));

    public static void Exit(int code) => Environment.Exit(code);

    // Linux: whether ICU's library is mapped into this process.
    public static void RecordIcu(string path) =>
        File.WriteAllText(path, File.ReadAllText("/proc/self/maps").Contains("libicuuc", StringComparison.Ordinal) ? "ICU loaded" : "no ICU");

    public static void Throw(string message) => throw new InvalidOperationException(message);

    public static void Print(string text, int lines)
    {
        for (var i = 0; i < lines; i++)
        {
            Console.WriteLine($"{text} {i}");
        }

        Console.Error.WriteLine($"{text} on stderr");
    }

    public static void RecordArgs(string path, int a, string b, double c, int[] d, Point e, object f, string g = "default", long h = 42)
        => File.WriteAllText(path, JsonSerializer.Serialize(new object[] { a, b, c, d, e, f, g, h }));

    public static void RecordIdentity(string path)
    {
        var me = Mp.CurrentProcess();
        var parent = Mp.ParentProcess();
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            me.Name,
            me.Pid,
            me.Daemon,
            me.IsAlive,
            OsPid = Environment.ProcessId,
            ParentName = parent?.Name,
            ParentPid = parent?.Pid,
        }));
    }

    /// <summary>Starts a grandchild that sleeps for a minute, writes its pid, then sleeps itself.</summary>
    public static void SpawnSleeperAndSleep(string pidFile)
    {
        var grandchild = new Process(Sleep, 60.0);
        grandchild.Start();
        File.WriteAllText(pidFile, $"{grandchild.Pid}\n"); // The newline ends it: a reader waits for it (Wait.ForPidIn).
        Thread.Sleep(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a daemon that sleeps and a non-daemon that writes a file, then returns.</summary>
    public static void SpawnDaemonAndWorker(string pidFile, string doneFile)
    {
        var daemon = new Process(Sleep, 60.0) { Daemon = true };
        daemon.Start();
        var worker = new Process(WriteAfter, doneFile, 0.5);
        worker.Start();
        File.WriteAllText(pidFile, $"{daemon.Pid}\n");
    }

    /// <summary>Starts and joins a child, waits until its spare is ready, writes the spare's pid, then sleeps.</summary>
    public static void StartOneAndReportSpare(string pidFile)
    {
        var child = new Process(Nothing);
        child.Start();
        child.Join();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Standby.SparePid is null && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(20);
        }

        File.WriteAllText(pidFile, $"{Standby.SparePid}\n");
        Thread.Sleep(TimeSpan.FromSeconds(60));
    }

    /// <summary>Writes the program this process runs as, and the directory of its runtime, a line each.</summary>
    public static void RecordHost(string path) =>
        File.WriteAllLines(path, [Environment.ProcessPath ?? "", System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()]);

    /// <summary>Writes how many links the chain has and the sum of their values.</summary>
    public static void RecordChain(string path, Link chain)
    {
        var (count, sum) = (0, 0);
        for (var link = chain; link is not null; link = link.Next)
        {
            (count, sum) = (count + 1, sum + link.Value);
        }

        File.WriteAllText(path, $"{count} {sum}");
    }

    /// <summary>Writes the value of an environment variable (empty if unset).</summary>
    public static void RecordVariable(string path, string variable) =>
        File.WriteAllText(path, Environment.GetEnvironmentVariable(variable) ?? "");

    public static void Held(Gate gate) => File.WriteAllText(gate.Path + ".ran", "ran");

    public static void PrintAfter(Announcing announcing, string text) => Console.WriteLine(text);

    public static void WriteAfter(string path, double seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        File.WriteAllText(path, "done");
    }
}

/// <summary>
/// An argument a child rebuilds only once its file exists: it holds the child in its start, before
/// its target begins. The parent's check that it can be rebuilt does not wait.
/// </summary>
[JsonConverter(typeof(GateConverter))]
public sealed record Gate(string Path);

internal sealed class GateConverter : JsonConverter<Gate>
{
    public override Gate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var gate = new Gate(reader.GetString()!);
        if (!Reduction.IsCheckingRoundTrip && !Wait.Until(() => File.Exists(gate.Path), seconds: 60))
        {
            throw new TimeoutException($"{gate.Path} did not appear within 60 s.");
        }

        return gate;
    }

    public override void Write(Utf8JsonWriter writer, Gate value, JsonSerializerOptions options) => writer.WriteStringValue(value.Path);
}

/// <summary>An argument that writes its text to standard output, with no newline, as a child rebuilds it.</summary>
[JsonConverter(typeof(AnnouncingConverter))]
public sealed record Announcing(string Text);

internal sealed class AnnouncingConverter : JsonConverter<Announcing>
{
    public override Announcing Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var announcing = new Announcing(reader.GetString()!);
        if (!Reduction.IsCheckingRoundTrip)
        {
            Console.Write(announcing.Text);
        }

        return announcing;
    }

    public override void Write(Utf8JsonWriter writer, Announcing value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}

/// <summary>A linked list, to send a value nested deeper than System.Text.Json's default limit of 64.</summary>
public sealed record Link(int Value, Link? Next)
{
    /// <summary>A chain of <paramref name="length"/> links, 1 to length.</summary>
    public static Link Chain(int length) => Enumerable.Range(1, length).Reverse().Aggregate((Link?)null, (next, v) => new Link(v, next))!;
}

/// <summary>A user record with a private field, to check that objects arrive whole.</summary>
public sealed record Point(int X, int Y)
{
    private readonly string label = $"({X},{Y})";

    public string Label => label;
}

/// <summary>The subclass style: the constructor sets fields, Run() uses them in the child.</summary>
public sealed class Squarer : Process
{
    private readonly int[] numbers;
    private readonly string path;

    public Squarer(int[] numbers, string path)
    {
        this.numbers = numbers;
        this.path = path;
    }

    public override void Run() =>
        File.WriteAllText(path, string.Join(",", numbers.Select(n => n * n)) + $" {Mp.CurrentProcess().Name} {Environment.ProcessId}");
}
