using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing.Platform;

// Windows: .NET's named System.Threading.Semaphore.
internal abstract partial class NamedSemaphore
{
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
