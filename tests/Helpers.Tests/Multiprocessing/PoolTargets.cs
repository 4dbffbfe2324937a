namespace Helpers.Tests.Multiprocessing;

/// <summary>Functions the pool tests run in workers.</summary>
public static class PoolTargets
{
    private static string greeting = "not initialized";

    public static int Square(int x) => x * x;

    public static int Add(int a, int b) => a + b;

    public static int Pid(int ignored) => Environment.ProcessId + (ignored * 0);

    public static int Fail(string why) => throw new InvalidOperationException(why);

    public static int Sleep(double seconds)
    {
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return Environment.ProcessId;
    }

    public static void Greet(string text) => greeting = text;

    public static string Greeting(int ignored) => greeting + new string(' ', ignored * 0);

    public static Stream Unsendable(int ignored) => new MemoryStream(ignored);

    public static long Length(Stream stream) => stream.Length;

    public static int Hold(Helpers.Multiprocessing.Event started)
    {
        started.Set();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    // The note's pool functions return nothing: def fun1(): pass.
    public static void Fun1()
    {
    }

    public static void Touch(string path) => File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void FailQuietly(string why) => throw new InvalidOperationException(why);
}
