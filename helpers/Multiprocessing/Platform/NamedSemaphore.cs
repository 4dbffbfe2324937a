using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing.Platform;

/// <summary>
/// A counting semaphore that other processes open by name: the one primitive every lock, queue and
/// pipe of the helpers blocks on. Each platform's semaphore is in its own file (<c>NamedSemaphore.Unix.cs</c>, <c>NamedSemaphore.Windows.cs</c>); the choice between them is made here, once.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Linux: POSIX <c>sem_open</c>/<c>sem_timedwait</c>/<c>sem_post</c> through libc, as CPython.
/// .NET's own named <see cref="System.Threading.Semaphore"/> throws <see cref="PlatformNotSupportedException"/> there.
/// The name lives in <c>/dev/shm/sem.NAME</c> until unlinked, so the owner unlinks it and the
/// <see cref="ResourceTracker"/> does so if the owner dies.</item>
/// <item>macOS: the same calls, except that there is no <c>sem_timedwait</c>: a timed wait polls
/// <c>sem_trywait</c>, as CPython does there.</item>
/// <item>Windows: .NET's named <see cref="System.Threading.Semaphore"/> (a kernel object that disappears with its last handle).</item>
/// </list>
/// </remarks>
internal abstract partial class NamedSemaphore : IDisposable
{
    /// <summary>
    /// True where a timed wait polls <c>sem_trywait</c> with a sleep that grows (macOS, which has no
    /// <c>sem_timedwait</c>); a test sets it on Linux to run macOS's path here.
    /// </summary>
    internal static bool Polls { get; set; } = OperatingSystem.IsMacOS();

    /// <summary>The OS-wide name.</summary>
    public abstract string Name { get; }

    /// <summary>Creates a new semaphore with a fresh name.</summary>
    public static NamedSemaphore Create(string name, int initial, int maximum) =>
        OperatingSystem.IsWindows() ? new WindowsSemaphore(name, initial, maximum, create: true) : PosixSemaphore.Create(name, initial);

    /// <summary>Opens a semaphore another process created.</summary>
    /// <exception cref="InvalidOperationException">It no longer exists (its owner has disposed of it or exited).</exception>
    public static NamedSemaphore Open(string name, int maximum) =>
        OperatingSystem.IsWindows() ? new WindowsSemaphore(name, 0, maximum, create: false) : PosixSemaphore.Open(name);

    /// <summary>Takes one unit: waits at most <paramref name="timeout"/> (forever when null); false on timeout.</summary>
    public abstract bool Wait(TimeSpan? timeout);

    /// <summary>Takes one unit if one is free now.</summary>
    public bool TryWait() => Wait(TimeSpan.Zero);

    /// <summary>Gives one unit back.</summary>
    public abstract void Post();

    /// <summary>Removes the name (existing handles keep working). A no-op where names die with their handles.</summary>
    public abstract void Unlink();

    /// <inheritdoc/>
    public abstract void Dispose();
}
