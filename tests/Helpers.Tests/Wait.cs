using System.Diagnostics;

namespace Helpers.Tests;

/// <summary>Waiting for a condition that another process brings about, with a deadline instead of a guess.</summary>
internal static class Wait
{
    public static bool Until(Func<bool> condition, double seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>The pid another process writes into <paramref name="file"/>, once it has; fails with <paramref name="never"/> otherwise.</summary>
    public static int ForPidIn(string file, string never)
    {
        Xunit.Assert.True(Until(() => File.Exists(file) && File.ReadAllText(file).Length > 0), never);
        return int.Parse(File.ReadAllText(file), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool PidGone(int pid, double seconds = 30) => Until(() => !PidAlive(pid), seconds);

    public static bool PidAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
