using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Windows has no signals: Terminate and Kill are both TerminateProcess, and the exit code of a
// killed child is whatever TerminateProcess set, so the signal the caller asked for is reported
// instead, as Python's −N.
internal abstract partial class Popen
{
    [SupportedOSPlatform("windows")]
    private void SignalWindows() => os.Kill();

    [SupportedOSPlatform("windows")]
    private int FromOsExitCodeWindows(int code) => signalSent != 0 ? -signalSent : code;
}
