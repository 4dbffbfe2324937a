using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing.Platform;

// Linux and macOS: POSIX named semaphores through libc.
internal abstract partial class NamedSemaphore
{
    private sealed class PosixSemaphore : NamedSemaphore
    {
        private nint handle;

        private PosixSemaphore(string name, nint handle) => (Name, this.handle) = (name, handle);

        public override string Name { get; }

        public static PosixSemaphore Create(string name, int initial)
        {
            var handle = Posix.SemOpen("/" + name, Libc.O_CREAT.Value | Libc.O_EXCL.Value, (uint)Libc.S_IRUSR_IWUSR.Value, (uint)initial);
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
                    ThrowUnless(Libc.EINTR.Value);
                }

                return true;
            }

            if (timeout <= TimeSpan.Zero)
            {
                if (Posix.SemTryWait(Handle) == 0)
                {
                    return true;
                }

                ThrowUnless(Libc.EAGAIN.Value);
                return false;
            }

            return Polls ? PollUntil(DateTime.UtcNow + timeout.Value) : TimedWait(DateTime.UtcNow + timeout.Value);
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
                if (errno == Libc.ETIMEDOUT.Value)
                {
                    return false;
                }

                ThrowUnless(Libc.EINTR.Value, errno);
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
}
