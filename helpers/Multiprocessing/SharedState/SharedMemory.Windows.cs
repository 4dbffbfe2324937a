using System.IO.MemoryMappedFiles;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Windows: a named mapping in the session's Local\ namespace, backed by the paging file. The
// kernel removes it with its last handle, so nothing is left to remove by name.
public sealed unsafe partial class SharedMemory
{
    [SupportedOSPlatform("windows")]
    private static MemoryMappedFile MapWindows(string name, long size, bool create)
    {
        if (create)
        {
            return MemoryMappedFile.CreateNew("Local\\" + name, size);
        }

        try
        {
            return MemoryMappedFile.OpenExisting("Local\\" + name);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException($"The shared memory '{name}' no longer exists: the process that created it has disposed of it or exited.");
        }
    }
}
