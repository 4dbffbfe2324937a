using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Linux and macOS: signals. SIGTERM goes through libc's kill (.NET exposes only SIGKILL, as
// Process.Kill), and .NET reports a death by signal N as exit code 128+N, which reads as Python's −N.
internal abstract partial class Popen
{
    [UnsupportedOSPlatform("windows")]
    private void SignalUnix(int signal)
    {
        if (signal == SigKill)
        {
            os.Kill();
        }
        else if (Platform.Posix.Kill(Pid, signal) != 0 && !os.HasExited)
        {
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static int FromOsExitCodeUnix(int code) => code is > 128 and <= 128 + 64 ? -(code - 128) : code;
}
