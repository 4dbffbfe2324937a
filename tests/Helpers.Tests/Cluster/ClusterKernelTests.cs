using System.Globalization;
using Helpers.Cluster;
using Helpers.Multiprocessing;
using Helpers.Tests.Notebooks;
using Xunit;

namespace Helpers.Tests.Cluster;

/// <summary>
/// The cluster from a real C# kernel (the runner's, in a process of its own and a session of its
/// own, as Jupyter starts one): a function written in a cell maps across both silos, and when the
/// kernel is SIGKILLed, no silo outlives it, nor the cluster's redis-server (when there is one).
/// </summary>
[Collection(nameof(NotebookTests))]
public sealed class ClusterKernelTests : IClassFixture<LeakCheck>
{
    [Fact]
    public async Task A_cell_function_maps_across_both_silos_and_no_silo_outlives_a_killed_kernel()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // setsid, and /proc to see the silos go.
        }

        var redisBefore = LeakCheck.RedisServerPids();
        using var dir = new TempDir();
        var report = dir.File("report.txt");
        var notebook = NotebookRun.Write(dir, "cluster.ipynb",
            $"#r \"{typeof(Mp).Assembly.Location}\"\n#r \"{typeof(LocalCluster).Assembly.Location}\"\nusing Helpers.Cluster;",
            "int WhereAmI(int task) => System.Environment.ProcessId + 0 * task;",
            $$"""
            var cluster = LocalCluster.Start(2);
            var pool = cluster.Pool();
            var ran = pool.Map(WhereAmI, Enumerable.Range(0, 20), chunksize: 1).Distinct();
            System.IO.File.WriteAllLines(@"{{report}}.tmp", ran.Select(p => $"ran {p}").Concat(cluster.Silos.Select(s => $"silo {s.Pid}")).Append($"kernel {System.Environment.ProcessId}"));
            System.IO.File.Move(@"{{report}}.tmp", @"{{report}}");
            System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
            """);

        using var kernel = await NotebookRun.StartKernelAsync(notebook, dir.File("out.ipynb"), report, 180);

        var lines = File.ReadAllLines(report);
        int[] Pids(string tag) => [.. lines.Where(l => l.StartsWith(tag + " ", StringComparison.Ordinal)).Select(l => int.Parse(l[(tag.Length + 1)..], CultureInfo.InvariantCulture))];
        var silos = Pids("silo");
        Assert.Equal(2, silos.Length);
        Assert.Equal(silos.Order(), Pids("ran").Order()); // The cell's function ran in both silos, and only there.
        Assert.All(silos, pid => Assert.True(Wait.PidAlive(pid)));
        var redis = LeakCheck.RedisServerPids().Except(redisBefore).ToList();
        Assert.Equal(RedisServer.Find("redis-server") is null ? 0 : 1, redis.Count);

        kernel.Kill(); // SIGKILL, the kernel alone: its silos and redis' keeper learn it from their lifelines.
        await kernel.WaitForExitAsync();
        Assert.All(silos, pid => Assert.True(Wait.PidGone(pid), $"silo {pid} outlived its kernel"));
        Assert.All(redis, pid => Assert.True(Wait.PidGone(pid), $"redis-server {pid} outlived its kernel"));
    }
}
