using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing.Platform;

/// <summary>
/// A counting semaphore that other processes open by name: the one primitive every lock, queue and
/// pipe of the helpers blocks on. The platform choice lives here and nowhere else.
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
internal abstract class NamedSemaphore : IDisposable
{
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

    private sealed class PosixSemaphore : NamedSemaphore
    {
        private nint handle;

        private PosixSemaphore(string name, nint handle) => (Name, this.handle) = (name, handle);

        public override string Name { get; }

        public static PosixSemaphore Create(string name, int initial)
        {
            var handle = Posix.SemOpen("/" + name, Posix.OCreat | Posix.OExcl, 0x180 /* 0600 */, (uint)initial);
            return handle == Posix.SemFailed
                ? throw new IOException($"sem_open(/{name}) failed: errno {Marshal.GetLastPInvokeError()}")
                : new PosixSemaphore(name, handle);
        }

        public static PosixSemaphore Open(string name)
        {
            var handle = Posix.SemOpen("/" + name, 0);
            return handle == Posix.SemFailed
                ? throw new InvalidOperationException($"The semaphore '{name}' no longer exists: the process that created it has disposed of it or exited.")
                : new PosixSemaphore(name, handle);
        }

        public override bool Wait(TimeSpan? timeout)
        {
            if (timeout is null)
            {
                while (Posix.SemWait(Handle) != 0)
                {
                    ThrowUnless(Posix.EIntr);
                }

                return true;
            }

            if (timeout <= TimeSpan.Zero)
            {
                if (Posix.SemTryWait(Handle) == 0)
                {
                    return true;
                }

                ThrowUnless(Posix.EAgain);
                return false;
            }

            return OperatingSystem.IsMacOS() ? PollUntil(DateTime.UtcNow + timeout.Value) : TimedWait(DateTime.UtcNow + timeout.Value);
        }

        public override void Post()
        {
            if (Posix.SemPost(Handle) != 0)
            {
                ThrowUnless(-1);
            }
        }

        public override void Unlink() => _ = Posix.SemUnlink("/" + Name);

        public override void Dispose()
        {
            var h = Interlocked.Exchange(ref handle, 0);
            if (h != 0)
            {
                _ = Posix.SemClose(h);
            }
        }

        private nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(Name);

        private bool TimedWait(DateTime deadline)
        {
            var ticks = deadline - DateTime.UnixEpoch;
            var at = new Posix.TimeSpec { Seconds = ticks.Ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks.Ticks % TimeSpan.TicksPerSecond * 100 };
            while (Posix.SemTimedWait(Handle, at) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Posix.ETimedOut)
                {
                    return false;
                }

                ThrowUnless(Posix.EIntr, errno);
            }

            return true;
        }

        // macOS: CPython's loop, a trywait and a sleep that grows to 20 ms.
        private bool PollUntil(DateTime deadline)
        {
            for (var delay = 1; ; delay = Math.Min(delay * 2, 20))
            {
                if (Posix.SemTryWait(Handle) == 0)
                {
                    return true;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(delay, left.TotalMilliseconds)));
            }
        }

        private void ThrowUnless(int expected, int? errno = null)
        {
            var e = errno ?? Marshal.GetLastPInvokeError();
            if (e != expected)
            {
                throw new IOException($"Semaphore '{Name}' failed: errno {e}");
            }
        }
    }

    [SupportedOSPlatform("windows")]
    private sealed class WindowsSemaphore : NamedSemaphore
    {
        private readonly System.Threading.Semaphore semaphore;

        public WindowsSemaphore(string name, int initial, int maximum, bool create)
        {
            Name = name;
            if (create)
            {
                semaphore = new System.Threading.Semaphore(initial, maximum, "Local\\" + name, out var created);
                if (!created)
                {
                    throw new IOException($"A semaphore named '{name}' already exists.");
                }
            }
            else if (!System.Threading.Semaphore.TryOpenExisting("Local\\" + name, out semaphore!))
            {
                throw new InvalidOperationException($"The semaphore '{name}' no longer exists: the process that created it has disposed of it or exited.");
            }
        }

        public override string Name { get; }

        public override bool Wait(TimeSpan? timeout) => semaphore.WaitOne(timeout ?? Timeout.InfiniteTimeSpan);

        public override void Post() => semaphore.Release();

        public override void Unlink()
        {
        }

        public override void Dispose() => semaphore.Dispose();
    }
}
