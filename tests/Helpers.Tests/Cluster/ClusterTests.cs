using System.Globalization;
using Helpers.Cluster;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Cluster;

/// <summary>
/// The cluster-backed pool on a 2-silo local cluster: work lands on both silos, exceptions come
/// back as Pool's do, a killed silo's work runs again on the other, and no silo outlives its cluster.
/// </summary>
public sealed class ClusterTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_compiled_function_maps_across_both_silos_with_the_pool_s_shape()
    {
        int[] pids;
        using (var cluster = LocalCluster.Start(2))
        {
            pids = [.. cluster.Silos.Select(s => s.Pid!.Value)];
            AssertLoopbackOnly(cluster);
            using var pool = cluster.Pool();
            Assert.Equal(2, pool.Processes);

            var ran = pool.Map(ClusterTargets.Pid, Enumerable.Range(0, 40), chunksize: 1);
            Assert.Equal(pids.Order(), ran.Distinct().Order());
            Assert.Equal(2, pool.CodeShipments); // Once per silo: the test assembly, by hash.
            _ = pool.Map(ClusterTargets.Pid, Enumerable.Range(0, 40), chunksize: 1);
            Assert.Equal(2, pool.CodeShipments);

            var squares = Enumerable.Range(0, 100).Select(x => x * x).ToList();
            Assert.Equal(squares, pool.Map(ClusterTargets.Square, Enumerable.Range(0, 100)));
            Assert.Equal(squares, pool.MapAsync(ClusterTargets.Square, Enumerable.Range(0, 100), chunksize: 7).Get(60));
            Assert.Equal(squares, pool.Imap(ClusterTargets.Square, Enumerable.Range(0, 100), chunksize: 9).ToList());
            Assert.Equal(squares, pool.ImapUnordered(ClusterTargets.Square, Enumerable.Range(0, 100), chunksize: 9).Order().ToList());
            Assert.Empty(pool.Map(ClusterTargets.Square, Array.Empty<int>()));
            Assert.Equal([3, 7], pool.Starmap(ClusterTargets.Add, [(1, 2), (3, 4)]));
            Assert.Equal(49, pool.Apply(ClusterTargets.Square, 7));
            var seen = 0;
            Assert.Equal(64, pool.ApplyAsync(ClusterTargets.Square, 8, callback: v => seen = v).Get(60));
            Assert.Equal(64, seen);

            var error = Assert.Throws<InvalidOperationException>(() => pool.Apply(ClusterTargets.Fail, "bad input"));
            Assert.Equal("bad input", error.Message);
            var remote = Assert.IsType<RemoteException>(error.InnerException);
            Assert.Contains("ClusterTargets.Fail", remote.Message, StringComparison.Ordinal);
            var failed = pool.MapAsync(ClusterTargets.Fail, ["a", "b"]);
            Assert.Throws<InvalidOperationException>(() => failed.Get(60));
            Assert.False(failed.Successful());
        }

        AssertGone(pids);
    }

    [Fact]
    public void A_silo_killed_mid_map_has_its_chunks_run_again_on_the_live_silo()
    {
        int[] pids;
        using (var cluster = LocalCluster.Start(2))
        {
            pids = [.. cluster.Silos.Select(s => s.Pid!.Value)];
            using var pool = cluster.Pool(4);
            var results = pool.ImapUnordered(ClusterTargets.SlowPid, Enumerable.Range(0, 200), chunksize: 5);
            using var reader = results.GetEnumerator();
            Assert.True(reader.MoveNext()); // The map is under way: 39 chunks of 40 still to come.
            // Silo 1, not silo 0: silo 0 keeps a local cluster's membership table.
            cluster.Silos[1].Kill();

            var ran = new List<int> { reader.Current };
            while (reader.MoveNext())
            {
                ran.Add(reader.Current);
            }

            Assert.Equal(200, ran.Count);
            Assert.All(ran, pid => Assert.Contains(pid, pids));
            Assert.True(pool.Retries > 0, "no chunk was lost with the killed silo: it died after the map");
            Assert.All(pool.Map(ClusterTargets.Pid, Enumerable.Range(0, 20), chunksize: 1), pid => Assert.Equal(pids[0], pid));
            cluster.Silos[1].Join(10);
            Assert.Equal(-9, cluster.Silos[1].ExitCode);
        }

        AssertGone(pids);
    }

    private static void AssertGone(int[] pids) =>
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"silo process {pid} is still running"));

    // Every socket a silo listens on is bound to 127.0.0.1 (/proc/net/tcp: local address 0100007F, state 0A).
    private static void AssertLoopbackOnly(LocalCluster cluster)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var ports = cluster.SiloPorts.Concat(cluster.GatewayPorts).ToHashSet();
        var listening = File.ReadLines("/proc/net/tcp").Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6") : [])
            .Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A")
            .Select(f => (Address: f[1].Split(':')[0], Port: int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            .Where(s => ports.Contains(s.Port))
            .ToList();
        Assert.Equal(ports.Count, listening.Count);
        Assert.All(listening, s => Assert.Equal("0100007F", s.Address));
    }
}
