using Xunit;

namespace Helpers.Tests;

/// <summary>
/// A test of what Linux alone has: names under <c>/dev/shm</c> (POSIX semaphores appear there as
/// <c>sem.NAME</c>), the <c>setsid</c> program. Elsewhere it is reported as skipped, with the reason,
/// rather than passing without having checked anything.
/// </summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless it runs on Linux.</summary>
    public LinuxFactAttribute() => Skip = OperatingSystem.IsLinux() ? null! : "Linux only: it inspects /dev/shm or runs setsid.";
}

/// <summary>A <see cref="LinuxFactAttribute"/> with data.</summary>
public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the test unless it runs on Linux.</summary>
    public LinuxTheoryAttribute() => Skip = OperatingSystem.IsLinux() ? null! : "Linux only: it inspects /dev/shm or runs setsid.";
}

/// <summary>
/// A test of Unix files and the resource tracker (file modes, names a tracker sweeps): Windows names
/// are kernel objects that die with their last handle, so there it is reported as skipped.
/// </summary>
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Skips the test on Windows.</summary>
    public UnixFactAttribute() => Skip = OperatingSystem.IsWindows() ? "Unix only: Windows names are kernel objects, not files, and need no tracker." : null!;
}

/// <summary>
/// A test of the POSIX named semaphores (<c>sem_open</c> and its waits): Windows uses .NET's named
/// <c>Semaphore</c> instead, so there it is reported as skipped.
/// </summary>
public sealed class PosixSemaphoreFactAttribute : FactAttribute
{
    /// <summary>Skips the test on Windows.</summary>
    public PosixSemaphoreFactAttribute() => Skip = OperatingSystem.IsWindows() ? "POSIX semaphores only: Windows uses .NET's named Semaphore." : null!;
}

/// <summary>
/// A test of a local cluster whose member list is in Redis: it needs <c>redis-server</c> on PATH
/// (<c>.ci/run</c> installs it on Debian and Ubuntu); without it, it is reported as skipped.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless redis-server is found, on Linux or macOS.</summary>
    public RedisFactAttribute() => Skip = !OperatingSystem.IsWindows() && Helpers.Cluster.RedisServer.Find("redis-server") is not null
        ? null!
        : "Needs redis-server on PATH (Debian/Ubuntu: apt-get install redis-server; .ci/run installs it).";
}

/// <summary>
/// A test that compiles a small C program with the machine's <c>cc</c> (Debian's gcc here; Xcode's
/// clang on a Mac runner), on Linux or macOS; without a compiler it is reported as skipped.
/// </summary>
public sealed class CompilerFactAttribute : FactAttribute
{
    /// <summary>Skips the test on Windows, or where no <c>cc</c> is on PATH.</summary>
    public CompilerFactAttribute() => Skip = !OperatingSystem.IsWindows() && CompilerPath is not null
        ? null!
        : "Needs a C compiler (cc) on Linux or macOS, to read the system's own headers.";

    /// <summary>The <c>cc</c> on PATH, or null.</summary>
    public static string? CompilerPath =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "cc")).FirstOrDefault(File.Exists);
}

/// <summary>
/// A test that starts a child through a <c>dotnet</c> muxer: a self-contained program (the Windows
/// tests under Wine) has none, and starts its children through the helpers' apphost alone, so there
/// it is reported as skipped.
/// </summary>
public sealed class MuxerFactAttribute : FactAttribute
{
    /// <summary>Skips the test where no dotnet muxer is found.</summary>
    public MuxerFactAttribute() => Skip = Helpers.Multiprocessing.ChildHost.Muxer is not null
        ? null!
        : "No dotnet muxer here: this program is self-contained, so its children start through the helpers' apphost (tested beside this).";
}
