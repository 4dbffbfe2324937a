using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Helpers.Multiprocessing.Platform;

namespace Helpers.Multiprocessing;

/// <summary>
/// A block of memory that several processes map at once (Python's
/// <c>multiprocessing.shared_memory.SharedMemory</c>): what <see cref="Value{T}"/>,
/// <see cref="Array{T}"/>, queues, pipes and locks keep their state in.
/// </summary>
/// <remarks>
/// Linux: a file in <c>/dev/shm</c> (RAM), mapped with <see cref="MemoryMappedFile.CreateFromFile(string)"/>;
/// .NET's named <see cref="MemoryMappedFile.CreateNew(string, long)"/> is not supported there.
/// macOS: the same with a file in the temporary folder (<c>SharedMemory.Unix.cs</c>). Windows: a
/// named mapping, which disappears with its last handle (<c>SharedMemory.Windows.cs</c>). The creator removes the name when disposed; the <see cref="ResourceTracker"/>
/// removes it if the creator dies first. The memory starts zero-filled.
/// </remarks>
[JsonConverter(typeof(HandleConverterFactory))]
public sealed unsafe partial class SharedMemory : IDisposable, IShareable<SharedMemory, SharedMemory.Handle>
{
    /// <summary>Where the shared-memory files live (Linux and macOS); spilled queue items are kept there too.</summary>
    internal static readonly string Folder = OperatingSystem.IsLinux() ? "/dev/shm" : Path.GetTempPath();
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly bool owner;
    private byte* pointer;

    /// <summary>Creates a new zero-filled block of <paramref name="size"/> bytes with a fresh name.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive.</exception>
    public SharedMemory(long size)
        : this(ResourceTracker.NewName("shm"), size, create: true)
    {
    }

    private SharedMemory(string name, long size, bool create)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        (Name, Size, owner) = (name, size, create);
        file = OperatingSystem.IsWindows() ? MapWindows(name, size, create) : MapUnix(name, size, create);

        try
        {
            view = file.CreateViewAccessor(0, size);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
        }
        catch
        {
            file.Dispose();
            if (create)
            {
                RemoveName();
            }

            throw;
        }

        if (create)
        {
            try
            {
                ResourceTracker.Register(ResourceTracker.Kind.SharedMemory, name);
            }
            catch
            {
                // No tracker could start: free what was made rather than leave it untracked.
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                pointer = null;
                view.Dispose();
                file.Dispose();
                RemoveName();
                GC.SuppressFinalize(this);
                throw;
            }
        }
    }

    /// <summary>The OS-wide name another process attaches with.</summary>
    public string Name { get; }

    /// <summary>The size in bytes.</summary>
    public long Size { get; }

    /// <summary>The address of the block in this process.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    /// <remarks>Read on every access a queue, pipe or lock makes to its state: the throw sits in a method of its own, so that this inlines to a test of the pointer.</remarks>
    public byte* Address
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (pointer == null)
            {
                ThrowReleased();
            }

            return pointer;
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowReleased() => throw new ObjectDisposedException(nameof(SharedMemory), $"Shared memory '{Name}' was released by Dispose() (or the end of a using block), so the object that keeps its state there can no longer be used: create a new one.");

    /// <summary>The whole block as a span (at most 2 GiB).</summary>
    public Span<byte> Span => new(Address, (int)Math.Min(Size, int.MaxValue));

    /// <summary>
    /// Creates a file readable and writable by its owner only (0600, as CPython's shared memory), and
    /// only if no file has that name: a file someone else planted there is never opened.
    /// </summary>
    internal static FileStream CreateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>Attaches to a block another process created (Python: <c>SharedMemory(name)</c>).</summary>
    /// <exception cref="InvalidOperationException">No block has that name (any more).</exception>
    public static SharedMemory Attach(string name, long size) => new(name, size, create: false);

    /// <summary>Unmaps the block here; the creator also removes its name (Python: <c>close()</c>, and <c>unlink()</c> by the creator).</summary>
    public void Dispose()
    {
        if (pointer == null)
        {
            return;
        }

        pointer = null;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
        Unlink();
        GC.SuppressFinalize(this);
    }

    /// <summary>A block dropped without <see cref="Dispose"/>: its mapping is freed by its own handles, and its name here (as CPython frees on garbage collection).</summary>
    ~SharedMemory()
    {
        if (pointer != null)
        {
            // The pointer holds a reference on the view's handle: give it back, so that the handle's
            // own finalizer unmaps the view.
            Finalizer.Run(() =>
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                Unlink();
            });
        }
    }

    private void Unlink()
    {
        if (owner)
        {
            RemoveName();
            ResourceTracker.Unregister(ResourceTracker.Kind.SharedMemory, Name);
        }
    }

    // Windows names die with their last handle: only a file has to be removed.
    private void RemoveName()
    {
        if (!OperatingSystem.IsWindows())
        {
            RemoveFile(Name);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"SharedMemory(name='{Name}', size={Size})";

    /// <inheritdoc/>
    Handle IShareable<SharedMemory, Handle>.ToHandle() => new(Name, Size);

    /// <inheritdoc/>
    static SharedMemory IShareable<SharedMemory, Handle>.FromHandle(Handle handle) => Attach(handle.Name, handle.Size);

    /// <summary>What crosses to another process: the name and the size.</summary>
    internal sealed record Handle(string Name, long Size);
}
