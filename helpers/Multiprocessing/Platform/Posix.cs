using System.Runtime.InteropServices;

namespace Helpers.Multiprocessing.Platform;

/// <summary>
/// The libc calls the helpers need on Linux and macOS: POSIX named semaphores (what CPython's own
/// <c>SemLock</c> is built on) and signals. The constants they take and return are in <see cref="Libc"/>.
/// </summary>
/// <remarks>
/// macOS has no <c>sem_timedwait</c>: CPython polls there, and so does <see cref="NamedSemaphore"/>.
/// </remarks>
internal static partial class Posix
{
    /// <summary>What <c>sem_open</c> returns on failure (<c>SEM_FAILED</c>).</summary>
    public static readonly nint SemFailed = Libc.SEM_FAILED.Value;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// <c>sem_open(name, flags, mode, value)</c>, which is variadic: <c>mode</c> and <c>value</c> are
    /// its variadic arguments. Linux (x64 and arm64) and macOS on Intel pass variadic integers as they
    /// pass fixed ones, so a fixed four-argument declaration is right there. Apple's arm64 ABI passes
    /// every variadic argument on the stack, in an 8-byte slot of its own, whatever registers are free
    /// (Apple, "Writing ARM64 code for Apple platforms"), where a fixed declaration would put them in
    /// registers x2 and x3, which sem_open does not read. There the call fills the eight argument
    /// registers x0–x7 (the name, the flags, six unused zeros), so that the next two arguments go on
    /// the stack; declared as 8-byte integers, each takes one 8-byte slot, where va_arg reads it.
    /// </summary>
    public static nint SemOpen(string name, int flags, uint mode, uint value) =>
        OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? SemOpenAppleArm64(name, flags, 0, 0, 0, 0, 0, 0, mode, value)
            : SemOpenFixed(name, flags, mode, value);

    [LibraryImport("libc", EntryPoint = "sem_open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint SemOpenFixed(string name, int flags, uint mode, uint value);

    [LibraryImport("libc", EntryPoint = "sem_open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint SemOpenAppleArm64(string name, int flags, nint x2, nint x3, nint x4, nint x5, nint x6, nint x7, ulong mode, ulong value);

    /// <summary><c>sem_open(name, 0)</c>: opens an existing semaphore (no variadic arguments).</summary>
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    /// <summary>True while a process with this id exists (signal 0 probes without sending).</summary>
    public static bool ProcessExists(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == Libc.EPERM.Value; // Exists, not ours.
}
