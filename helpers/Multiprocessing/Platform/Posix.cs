using System.Runtime.InteropServices;

namespace Helpers.Multiprocessing.Platform;

/// <summary>
/// The libc calls the helpers need on Linux and macOS: POSIX named semaphores (what CPython's own
/// <c>SemLock</c> is built on) and signals.
/// </summary>
/// <remarks>
/// <c>sem_open</c> is variadic. On Linux (x64 and arm64) variadic integer arguments are passed like
/// fixed ones, so a fixed four-argument signature is correct. Apple arm64 passes them on the stack,
/// so macOS on Apple silicon would need a small native shim; macOS also has no
/// <c>sem_timedwait</c> (CPython polls there too, see <see cref="NamedSemaphore"/>).
/// </remarks>
internal static partial class Posix
{
    public static readonly int OCreat = OperatingSystem.IsMacOS() ? 0x200 : 0x40;
    public static readonly int OExcl = OperatingSystem.IsMacOS() ? 0x800 : 0x80;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ETimedOut = 110;
    public static readonly nint SemFailed = 0;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "sem_open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SemOpen(string name, int flags, uint mode, uint value);

    [LibraryImport("libc", EntryPoint = "sem_open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SemOpen(string name, int flags);

    [LibraryImport("libc", EntryPoint = "sem_close", SetLastError = true)]
    public static partial int SemClose(nint sem);

    [LibraryImport("libc", EntryPoint = "sem_unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SemUnlink(string name);

    [LibraryImport("libc", EntryPoint = "sem_post", SetLastError = true)]
    public static partial int SemPost(nint sem);

    [LibraryImport("libc", EntryPoint = "sem_wait", SetLastError = true)]
    public static partial int SemWait(nint sem);

    [LibraryImport("libc", EntryPoint = "sem_trywait", SetLastError = true)]
    public static partial int SemTryWait(nint sem);

    [LibraryImport("libc", EntryPoint = "sem_timedwait", SetLastError = true)]
    public static partial int SemTimedWait(nint sem, in TimeSpec absoluteRealtime);

    [LibraryImport("libc", EntryPoint = "sem_getvalue", SetLastError = true)]
    public static partial int SemGetValue(nint sem, out int value);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    /// <summary>True while a process with this id exists (signal 0 probes without sending).</summary>
    public static bool ProcessExists(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1; // EPERM: exists, not ours
}
