using System.IO.MemoryMappedFiles;
using System.Runtime.Versioning;

namespace Helpers.Multiprocessing;

// Linux and macOS: the block is a file in Folder, mapped. Its name is the file's, so it outlives
// every handle until the creator (or the tracker) removes it.
public sealed unsafe partial class SharedMemory
{
    [UnsupportedOSPlatform("windows")]
    private static MemoryMappedFile MapUnix(string name, long size, bool create)
    {
        var path = Path.Combine(Folder, name);
        if (!create)
        {
            using var existing = File.Exists(path)
                ? new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)
                : throw new InvalidOperationException($"The shared memory '{name}' no longer exists: the process that created it has disposed of it or exited.");
            return MemoryMappedFile.CreateFromFile(existing, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        }

        var stream = CreateFile(path); // Throws, leaving nothing, if the name is taken.
        try
        {
            stream.SetLength(size); // Sparse: pages are allocated when first written.
            return MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void RemoveFile(string name) => File.Delete(Path.Combine(Folder, name));
}
