using System.Globalization;
using Helpers.Cluster;
using Helpers.Multiprocessing;
using Helpers.Tracing;
using Orleans.Runtime;
using Xunit;

namespace Helpers.Tests.Cluster;

/// <summary>
/// The cluster-backed pool on a 2-silo local cluster: work lands on both silos, exceptions come
/// back as Pool's do, a killed silo's work runs again on the other (silo 0's too: the member list is
/// in Redis), clusters do not see each other's members, and no silo outlives its cluster.
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

    [RedisFact]
    public void The_first_silo_killed_mid_map_has_its_chunks_run_again_and_the_cluster_keeps_serving()
    {
        int[] pids;
        using (var cluster = LocalCluster.Start(2))
        {
            Assert.NotNull(cluster.Redis);
            pids = [.. cluster.Silos.Select(s => s.Pid!.Value)];
            using var pool = cluster.Pool(4);
            using var timeline = Timeline.Start();
            var results = pool.ImapUnordered(ClusterTargets.SlowPid, Enumerable.Range(0, 200), chunksize: 5);
            using var reader = results.GetEnumerator();
            Assert.True(reader.MoveNext()); // The map is under way: 39 chunks of 40 still to come.
            // Silo 0, the one development clustering cannot lose: with the member list in Redis, any silo may go.
            cluster.Silos[0].Kill();

            var ran = new List<int> { reader.Current };
            while (reader.MoveNext())
            {
                ran.Add(reader.Current);
            }

            Assert.Equal(200, ran.Count);
            Assert.All(ran, pid => Assert.Contains(pid, pids));
            Assert.True(pool.Retries > 0, "no chunk was lost with the killed silo: it died after the map");

            // The timeline drew every call on the silo that answered it, each lost call cut, each resend named "sent again".
            timeline.Stop();
            var calls = timeline.Spans.Where(s => s.Kind == TimelineKind.Call).ToList();
            Assert.All(calls.Where(c => !c.Cut), c => Assert.Contains(c.Lane.Pid, pids));
            Assert.Equal(pool.Retries, calls.Count(c => c.Cut));
            Assert.Equal(pool.Retries, calls.Count(c => c.What.EndsWith(", sent again", StringComparison.Ordinal)));
            Assert.Equal(40 + pool.Retries, calls.Count);
            cluster.Silos[0].Join(10);
            Assert.Equal(-9, cluster.Silos[0].ExitCode);

            // Still serving: the same pool, a new pool, and a grain, all on silo 1.
            Assert.All(pool.Map(ClusterTargets.Pid, Enumerable.Range(0, 20), chunksize: 1), pid => Assert.Equal(pids[1], pid));
            using var fresh = cluster.Pool();
            Assert.Equal(Enumerable.Range(0, 10).Select(x => x * x), fresh.Map(ClusterTargets.Square, Enumerable.Range(0, 10)));
            var counter = cluster.Client.GetGrain<ICounterGrain>($"after-silo-0-{Guid.NewGuid():N}");
            Assert.Equal(5L, counter.Add(5).GetAwaiter().GetResult());
            Assert.Equal(pids[1], counter.Where().GetAwaiter().GetResult().Pid);
        }

        AssertGone(pids);
    }

    [RedisFact]
    public void Clusters_sharing_one_redis_see_only_their_own_members()
    {
        using var redis = RedisServer.Start(RedisServer.Find("redis-server")!, Deadline.After(60));
        string firstId;
        using (var first = LocalCluster.Start(2, redis: redis.Address))
        {
            Assert.Equal(redis.Address, first.Redis);
            Assert.Contains(LocalCluster.RedisVariable, first.Membership, StringComparison.Ordinal);
            firstId = first.ClusterId;
            // Killed, not stopped: their entries stay in Redis as live members nobody will declare dead.
        }

        using var second = LocalCluster.Start(1, redis: redis.Address);
        Assert.NotEqual(firstId, second.ClusterId);
        var members = second.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).GetAwaiter().GetResult();
        Assert.Single(members);
        using var pool = second.Pool();
        Assert.Equal(new[] { second.Silos[0].Pid!.Value }, pool.Map(ClusterTargets.Pid, Enumerable.Range(0, 4), chunksize: 1).Distinct());
    }

    [Fact]
    public void Without_redis_server_the_cluster_falls_back_to_development_clustering_and_says_so()
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        LocalCluster cluster;
        try
        {
            cluster = LocalCluster.Start(1, 120, null, "/nonexistent/redis-server");
        }
        finally
        {
            Console.SetOut(console);
        }

        using (cluster)
        {
            Assert.Null(cluster.Redis);
            Assert.Equal(LocalCluster.DevelopmentClusteringMessage, cluster.Membership);
            Assert.Contains(LocalCluster.DevelopmentClusteringMessage, output.ToString(), StringComparison.Ordinal);
            Assert.Contains("silo 0 must survive", cluster.ToString(), StringComparison.Ordinal);
            using var pool = cluster.Pool();
            Assert.Equal(49, pool.Apply(ClusterTargets.Square, 7));
        }
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
