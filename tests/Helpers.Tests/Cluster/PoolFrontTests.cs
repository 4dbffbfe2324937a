using System.Reflection;
using Helpers.Cluster;
using Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Cluster;

/// <summary>
/// One pool front, two back ends: the process pool and the cluster pool offer their calls from
/// <see cref="WorkerPool"/> alone, so that a notebook's code runs on either and a fix to the pool's
/// semantics is made once.
/// </summary>
public sealed class PoolFrontTests : IClassFixture<LeakCheck>
{
    private static readonly string[] Calls =
        ["Apply", "ApplyAsync", "Map", "MapAsync", "Starmap", "Imap", "ImapUnordered", "Close", "Join", "Terminate", "Dispose"];

    [Theory]
    [InlineData(typeof(Pool))]
    [InlineData(typeof(ClusterPool))]
    public void Every_pool_call_comes_from_the_front_and_no_back_end_redeclares_one(Type pool)
    {
        Assert.True(pool.IsSubclassOf(typeof(WorkerPool)));
        var own = pool.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name);
        Assert.Empty(own.Intersect(Calls));
    }

    [Fact]
    public void The_front_has_every_apply_overload_python_s_pool_needs()
    {
        var methods = typeof(WorkerPool).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        Assert.Equal(8, methods.Count(m => m.Name == "Apply"));
        Assert.Equal(8, methods.Count(m => m.Name == "ApplyAsync"));
        Assert.All(Calls, name => Assert.Contains(methods, m => m.Name == name));
    }

    [Fact]
    public void A_back_end_cannot_be_written_outside_the_helpers()
    {
        var constructors = typeof(WorkerPool).GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.All(constructors, c => Assert.True(c.IsFamilyAndAssembly, $"{c} is reachable from outside the helpers"));
    }
}
