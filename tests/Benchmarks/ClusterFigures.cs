using System.Diagnostics;
using Helpers.Cluster;
using Helpers.Multiprocessing;

/// <summary>
/// Beyond one machine: the process pool beside a pool on a 2-silo local Orleans cluster, in the
/// same run, interleaved (notebook 07 shows the same comparison).
/// </summary>
internal static class ClusterFigures
{
    /// <summary>Per-task round trip (µs, one worker) and speedup at 2 workers counting primes, for each kind.</summary>
    public static (Dictionary<string, double> Pool, Dictionary<string, double> Cluster) Measure(int trips, int limit)
    {
        using var cluster = LocalCluster.Start(2);
        var ranges = Enumerable.Range(0, 48).Select(i => (i * limit / 48, (i + 1) * limit / 48)).ToList();
        var pools = new[] { 1, 2 }.ToDictionary(n => n, n => new Pool(n));
        var clusterPools = new[] { 1, 2 }.ToDictionary(n => n, n => cluster.Pool(n));
        try
        {
            foreach (var n in new[] { 1, 2 })
            {
                pools[n].Starmap(CountPrimes, ranges.Take(2 * n), chunksize: 1);
                clusterPools[n].Starmap(CountPrimes, ranges.Take(2 * n), chunksize: 1);
            }

            // Round trips: batches of each kind in turn, the median batch kept.
            var poolTrip = new List<double>();
            var clusterTrip = new List<double>();
            for (var round = 0; round < 5; round++)
            {
                poolTrip.Add(Time(() => { for (var i = 0; i < trips; i++) { pools[1].Apply(Square, i); } }) * 1e6 / trips);
                clusterTrip.Add(Time(() => { for (var i = 0; i < trips; i++) { clusterPools[1].Apply(Square, i); } }) * 1e6 / trips);
            }

            // The prime count at 1 and 2 workers, each kind and count in turn, three rounds.
            var seconds = new Dictionary<(string, int), List<double>>();
            for (var round = 0; round < 3; round++)
            {
                foreach (var n in new[] { 1, 2 })
                {
                    Add(seconds, ("pool", n), Time(() => pools[n].Starmap(CountPrimes, ranges, chunksize: 1)));
                    Add(seconds, ("cluster", n), Time(() => clusterPools[n].Starmap(CountPrimes, ranges, chunksize: 1)));
                }
            }

            return (
                new() { ["trip"] = Median(poolTrip), ["speedup2"] = Median(seconds[("pool", 1)]) / Median(seconds[("pool", 2)]) },
                new() { ["trip"] = Median(clusterTrip), ["speedup2"] = Median(seconds[("cluster", 1)]) / Median(seconds[("cluster", 2)]) });
        }
        finally
        {
            foreach (var p in pools.Values)
            {
                p.Dispose();
            }

            foreach (var p in clusterPools.Values)
            {
                p.Dispose();
            }
        }
    }

    private static void Add(Dictionary<(string, int), List<double>> seconds, (string, int) key, double value)
    {
        if (!seconds.TryGetValue(key, out var list))
        {
            seconds[key] = list = [];
        }

        list.Add(value);
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int Square(int x) => x * x;

    private static int CountPrimes(int from, int to)
    {
        var count = 0;
        for (var n = Math.Max(from, 2); n < to; n++)
        {
            var prime = true;
            for (var d = 2; d * d <= n && prime; d++)
            {
                prime = n % d != 0;
            }

            count += prime ? 1 : 0;
        }

        return count;
    }
}
