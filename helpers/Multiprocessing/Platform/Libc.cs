using System.Runtime.InteropServices;

namespace Helpers.Multiprocessing.Platform;

/// <summary>
/// Every libc constant the helpers use on Unix, per platform and architecture, each with the header
/// that defines it. Nothing else in the helpers spells one of these numbers: Linux and macOS agree on
/// some (<c>EINTR</c>, <c>SIGKILL</c>) and not on others (<c>EAGAIN</c> is 11 on Linux, 35 on macOS).
/// </summary>
/// <remarks>
/// Linux's values are the kernel's generic ones (<c>asm-generic/*.h</c>), which x64 and arm64 both
/// use for everything here; macOS's come from the SDK's <c>sys/*.h</c>, the same on Intel and Apple
/// silicon. A test compiles a C program with the machine's <c>cc</c> and compares its values with
/// this table on the platform it runs on (LibcTests).
/// </remarks>
internal static class Libc
{
    /// <summary><c>kill</c>'s error for a process that exists but belongs to another user.</summary>
    public static readonly Constant EPERM = new("EPERM", "errno.h: asm-generic/errno-base.h, sys/errno.h", 1, 1, 1, 1);

    /// <summary>A wait was interrupted by a signal handler: retry.</summary>
    public static readonly Constant EINTR = new("EINTR", "errno.h: asm-generic/errno-base.h, sys/errno.h", 4, 4, 4, 4);

    /// <summary><c>sem_trywait</c> on a semaphore at 0.</summary>
    public static readonly Constant EAGAIN = new("EAGAIN", "errno.h: asm-generic/errno-base.h, sys/errno.h", 11, 11, 35, 35);

    /// <summary><c>sem_timedwait</c> reached its deadline.</summary>
    public static readonly Constant ETIMEDOUT = new("ETIMEDOUT", "errno.h: asm-generic/errno.h, sys/errno.h", 110, 110, 60, 60);

    /// <summary><c>sem_open</c>: create it if it does not exist.</summary>
    public static readonly Constant O_CREAT = new("O_CREAT", "fcntl.h: asm-generic/fcntl.h, sys/fcntl.h", 0x40, 0x40, 0x200, 0x200);

    /// <summary><c>sem_open</c> with <c>O_CREAT</c>: fail if it exists.</summary>
    public static readonly Constant O_EXCL = new("O_EXCL", "fcntl.h: asm-generic/fcntl.h, sys/fcntl.h", 0x80, 0x80, 0x800, 0x800);

    /// <summary>Mode 0600, <c>S_IRUSR | S_IWUSR</c>: readable and writable by the owner only, as CPython's semaphores.</summary>
    public static readonly Constant S_IRUSR_IWUSR = new("S_IRUSR|S_IWUSR", "sys/stat.h", 0x180, 0x180, 0x180, 0x180);

    /// <summary>What <c>sem_open</c> returns on failure: a null pointer on Linux, −1 on macOS.</summary>
    public static readonly Constant SEM_FAILED = new("SEM_FAILED", "semaphore.h", 0, 0, -1, -1);

    /// <summary>Terminate (Python's exit code −15); also Windows' CRT value, which the helpers report there.</summary>
    public static readonly Constant SIGTERM = new("SIGTERM", "signal.h: asm-generic/signal.h, sys/signal.h", 15, 15, 15, 15);

    /// <summary>Kill (Python's exit code −9).</summary>
    public static readonly Constant SIGKILL = new("SIGKILL", "signal.h: asm-generic/signal.h, sys/signal.h", 9, 9, 9, 9);

    /// <summary>Jupyter's stop button, as tools/kernel-launch.sh forwards it to the kernel.</summary>
    public static readonly Constant SIGUSR1 = new("SIGUSR1", "signal.h: asm-generic/signal.h, sys/signal.h", 10, 10, 30, 30);

    /// <summary>The size of <c>struct timespec</c> (<c>time_t</c> and <c>long</c>, 8 bytes each on these 64-bit platforms).</summary>
    public static readonly Constant TimespecSize = new("sizeof(struct timespec)", "time.h", 16, 16, 16, 16);

    /// <summary>Where <c>tv_nsec</c> is in <c>struct timespec</c>.</summary>
    public static readonly Constant TimespecNsecOffset = new("offsetof(struct timespec, tv_nsec)", "time.h", 8, 8, 8, 8);

    /// <summary>Every constant of the table, for the test that checks it against the system's headers.</summary>
    public static IReadOnlyList<Constant> All { get; } =
        [EPERM, EINTR, EAGAIN, ETIMEDOUT, O_CREAT, O_EXCL, S_IRUSR_IWUSR, SEM_FAILED, SIGTERM, SIGKILL, SIGUSR1, TimespecSize, TimespecNsecOffset];

    /// <summary>One constant: its name (as C spells it), the header it comes from, and its value on each platform.</summary>
    internal sealed record Constant(string Name, string Header, long LinuxX64, long LinuxArm64, long MacX64, long MacArm64)
    {
        /// <summary>Its value on the platform this runs on (Linux's elsewhere: Windows uses only the signal numbers).</summary>
        public int Value { get; } = (int)((OperatingSystem.IsMacOS(), RuntimeInformation.ProcessArchitecture == Architecture.Arm64) switch
        {
            (false, false) => LinuxX64,
            (false, true) => LinuxArm64,
            (true, false) => MacX64,
            (true, true) => MacArm64,
        });
    }
}
