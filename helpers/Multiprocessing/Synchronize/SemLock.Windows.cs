using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Windows: whether a lock's holder is alive is asked of the process table, as .NET exposes it
// (Linux and macOS use kill(pid, 0), in Platform/Posix.cs).
internal sealed unsafe partial class SemLock
{
    [SupportedOSPlatform("windows")]
    private static bool ProcessExistsWindows(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
