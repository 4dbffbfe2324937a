using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// macOS: the runtime's key is the process's start time in whole seconds since 1970,
// kinfo_proc.kp_proc.p_starttime.tv_sec from sysctl({CTL_KERN, KERN_PROC, KERN_PROC_PID, pid}).
internal static partial class RuntimeFiles
{
    // sys/sysctl.h; the same on Intel and Apple silicon.
    private const int CtlKern = 1;
    private const int KernProc = 14;
    private const int KernProcPid = 1;

    // sizeof(struct kinfo_proc) on 64-bit macOS (sys/sysctl.h); p_starttime, a struct timeval whose
    // first member is the 8-byte tv_sec, is its first member (struct extern_proc's p_un, sys/proc.h).
    private const int KinfoProcSize = 648;

    [SupportedOSPlatform("macos")]
    private static unsafe ulong? OSXKeyOf(int pid)
    {
        var mib = stackalloc int[] { CtlKern, KernProc, KernProcPid, pid };
        var info = stackalloc byte[KinfoProcSize];
        var size = (nuint)KinfoProcSize;

        // A pid no process has: sysctl succeeds with nothing written (size 0).
        if (Sysctl(mib, 4, info, &size, null, 0) != 0 || size < sizeof(long))
        {
            return null;
        }

        return (ulong)*(long*)info;
    }

    [LibraryImport("libc", EntryPoint = "sysctl", SetLastError = true)]
    private static unsafe partial int Sysctl(int* name, uint nameLength, void* oldValue, nuint* oldLength, void* newValue, nuint newLength);
}
