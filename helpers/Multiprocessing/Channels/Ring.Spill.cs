using System.Text;

namespace Helpers.Multiprocessing;

// Messages larger than half the ring go to a file of their own beside the shared memory; the ring
// carries the file's name. The reader deletes the file; the creator removes any left when it is
// disposed, or finalized, and the resource tracker when its process ends first.
internal sealed unsafe partial class Ring
{
    // The length field of a spilled message: SpillMark minus the length of the file's name.
    private const int SpillMark = -1;
    private static int spills; // Process-wide: two views of one ring in a process must not pick the same spill name.
    private int spillsRemoved;

    private string SpillPrefix => memory.Name + "-spill-";

    // Writes a large message to a new spill file; returns the file's name, which the ring carries.
    private byte[] Spill(ReadOnlySpan<byte> message)
    {
        var name = $"{SpillPrefix}{Environment.ProcessId}-{Interlocked.Increment(ref spills)}";
        using (var file = SharedMemory.CreateFile(Path.Combine(SharedMemory.Folder, name)))
        {
            file.Write(message);
        }

        return Encoding.UTF8.GetBytes(name);
    }

    private static void DeleteSpill(byte[] name) => File.Delete(Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(name)));

    // The message in the spill file the ring carried the name of; the file is deleted once the message is marked read.
    private static byte[] ReadSpill(byte[] name, out string? path)
    {
        path = Path.Combine(SharedMemory.Folder, Encoding.UTF8.GetString(name));
        return File.ReadAllBytes(path);
    }

    // A ring dropped without Dispose: its semaphores and memory have finalizers of their own; its spill files, here.
    ~Ring() => Finalizer.Run(RemoveSpills);

    private void RemoveSpills()
    {
        if (owner && Interlocked.Exchange(ref spillsRemoved, 1) == 0)
        {
            ResourceTracker.RemovePrefix(SpillPrefix);
            ResourceTracker.Unregister(ResourceTracker.Kind.SharedMemoryPrefix, SpillPrefix);
        }
    }
}
