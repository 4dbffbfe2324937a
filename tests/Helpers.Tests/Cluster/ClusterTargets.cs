namespace Helpers.Tests.Cluster;

/// <summary>Compiled functions the cluster tests run on silos.</summary>
public static class ClusterTargets
{
    public static int Square(int x) => x * x;

    public static int Add(int a, int b) => a + b;

    public static int Pid(int ignored) => Environment.ProcessId + (ignored * 0);

    public static int Fail(string why) => throw new InvalidOperationException(why);

    // Slow enough that a map is still running when a silo is killed; returns where it ran.
    public static int SlowPid(int ignored)
    {
        Thread.Sleep(50 + (ignored * 0));
        return Environment.ProcessId;
    }
}
