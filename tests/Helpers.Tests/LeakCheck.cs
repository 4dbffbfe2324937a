using System.Reflection;
using Helpers.Multiprocessing;
using Xunit;

// One test class at a time: the leak check compares what this process holds before and after a class.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Helpers.Tests;

/// <summary>
/// After every test class, checks that no OS name (shared memory, semaphore) created while the class
/// ran is left, once its objects are disposed or collected, and that no redis-server process or
/// directory a local cluster started for itself is left; fails naming what leaked.
/// Every test class takes it as a fixture (<see cref="Every_test_class_is_checked_for_leaks"/> makes sure).
/// </summary>
public sealed class LeakCheck : IDisposable
{
    private readonly HashSet<string> before = [.. Mp.SharedObjects().Select(o => o.Name)];
    private readonly HashSet<int> redisBefore = [.. RedisServerPids()];
    private readonly HashSet<string> redisDirsBefore = [.. RedisDirectories()];

    /// <summary>The pids of the redis-server processes running now (Linux: /proc; elsewhere none are seen).</summary>
    public static IReadOnlyList<int> RedisServerPids()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "redis-server")
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
        }

        return pids;
    }

    /// <summary>What this process holds now that it did not hold before, after collecting dropped objects.</summary>
    public IReadOnlyList<SharedObject> Left()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return [.. Mp.SharedObjects().Where(o => !before.Contains(o.Name))];
    }

    public void Dispose()
    {
        var left = Left();
        if (left.Count > 0)
        {
            throw new InvalidOperationException(
                $"Leaked after the test class: {string.Join(", ", left.GroupBy(o => o.CreatedFor).Select(g => $"{g.Count()} × {g.Key} ({g.First().Kind} {g.First().Name})"))}");
        }

        // A cluster's Dispose waits for its redis-server to be gone; a killed kernel's goes within moments.
        var redis = new List<int>();
        if (!Wait.Until(() => (redis = [.. RedisServerPids().Where(p => !redisBefore.Contains(p))]).Count == 0, seconds: 10))
        {
            throw new InvalidOperationException($"Leaked after the test class: redis-server pid {string.Join(", ", redis)}");
        }

        var dirs = RedisDirectories().Where(d => !redisDirsBefore.Contains(d)).ToList();
        if (dirs.Count > 0)
        {
            throw new InvalidOperationException($"Leaked after the test class: redis-server directory {string.Join(", ", dirs)}");
        }
    }

    // The temporary directories of local clusters' redis-servers (RedisServer: helpers-redis-*).
    private static IEnumerable<string> RedisDirectories() => Directory.EnumerateDirectories(Path.GetTempPath(), "helpers-redis-*");
}

/// <summary>The leak check cannot be forgotten: a test class without it fails here.</summary>
public sealed class LeakCheckTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Every_test_class_is_checked_for_leaks()
    {
        var unchecked_ = typeof(LeakCheck).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()))
            .Where(t => !t.GetInterfaces().Contains(typeof(IClassFixture<LeakCheck>)))
            .Select(t => t.Name)
            .ToList();
        Assert.True(unchecked_.Count == 0, $"Test classes without IClassFixture<LeakCheck>: {string.Join(", ", unchecked_)}");
    }
}
