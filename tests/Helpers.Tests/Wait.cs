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
