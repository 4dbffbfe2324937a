using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Helpers.Multiprocessing.Platform;

namespace Helpers.Multiprocessing;

/// <summary>
/// Removes the named OS objects (semaphores, shared-memory files) a process created when that
/// process ends without removing them itself, as CPython's <c>resource_tracker</c> does: also when
/// it is killed, when a notebook kernel restarts, or when it crashes.
/// </summary>
/// <remarks>
/// <para>The tracker is a small process (<c>Helpers.dll --resource-tracker</c>, see <see cref="ChildHost"/>) started
/// with the first named object. Each creation and each removal is one line on its standard input;
/// when that pipe closes (its creator has ended, however it ended) it removes whatever is still
/// registered. Only Linux and macOS need it (<c>ResourceTracker.Unix.cs</c>): on Windows, named
/// kernel objects disappear with their last handle.</para>
/// <para>Beyond CPython, whose tracker dies with its kernel: the tracker is started through
/// <c>/bin/sh</c> in the background and calls <c>setsid()</c>, so it is neither in its creator's
/// process group and session (Jupyter restarts a kernel by killing its group) nor its descendant
/// (VS Code kills a kernel's process tree); it ignores terminal signals. As a last resort, each new
/// tracker sweeps the names whose creating process no longer exists (say, a tracker killed by
/// hand): names start with <c>hmp-</c> and the creator's process id. A live process with that id
/// keeps its names, so a reused id can delay a sweep but never removes what a live process holds.</para>
/// <para>This process also keeps its own list of what it holds, for <see cref="Mp.SharedObjects"/>.</para>
/// </remarks>
internal static partial class ResourceTracker
{
    /// <summary>The kind of a named object, which says how to remove it.</summary>
    public enum Kind
    {
        /// <summary>A POSIX named semaphore (<c>sem_unlink</c>).</summary>
        Semaphore,

        /// <summary>A shared-memory file (deleted).</summary>
        SharedMemory,

        /// <summary>Every shared-memory file whose name starts with this (a queue's spilled items).</summary>
        SharedMemoryPrefix,

        /// <summary>The .NET runtime's files of a process, named <c>PID-KEY</c> (<see cref="Multiprocessing.RuntimeFiles"/>).</summary>
        RuntimeFiles,
    }

    private static readonly System.Threading.Lock Gate = new();
    private static readonly Dictionary<(Kind Kind, string Name), string> Held = [];
    private static StreamWriter? tracker;

    /// <summary>A fresh name: <c>hmp-PID-KIND-RANDOM</c>, short enough for macOS's 31-character semaphore names.</summary>
    public static string NewName(string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"hmp-{Environment.ProcessId}-{kind}-{Random.Shared.Next():x8}");

    /// <summary>Tells the tracker that <paramref name="name"/> exists and is this process's to remove.</summary>
    public static void Register(Kind kind, string name)
    {
        lock (Gate)
        {
            Send('+', kind, name);
            Held[(kind, name)] = Parts.Building is { } type ? NameOf(type) : kind.ToString();
        }
    }

    /// <summary>
    /// Tells a tracker already running that the runtime's files of a process (<c>PID-KEY</c>) are to be
    /// removed if this process ends first (<paramref name="added"/>), or no longer (removed already).
    /// Starts no tracker, and is not part of what this process holds (<see cref="Snapshot"/>): a new
    /// tracker learns them from <see cref="Multiprocessing.RuntimeFiles.Noted"/>.
    /// </summary>
    public static void NoteRuntimeFiles(string pidKey, bool added)
    {
        lock (Gate)
        {
            if (tracker is not null)
            {
                Send(added ? '+' : '-', Kind.RuntimeFiles, pidKey);
            }
        }
    }

    /// <summary>Tells the tracker that <paramref name="name"/> has been removed.</summary>
    public static void Unregister(Kind kind, string name)
    {
        lock (Gate)
        {
            Held.Remove((kind, name));
            Send('-', kind, name);
        }
    }

    /// <summary>What this process has created and not yet removed.</summary>
    public static IReadOnlyList<SharedObject> Snapshot()
    {
        lock (Gate)
        {
            return [.. Held.Select(h => new SharedObject(h.Key.Name, h.Key.Kind switch
            {
                Kind.Semaphore => "semaphore",
                Kind.SharedMemory => "shared memory",
                _ => "spill files of a queue",
            }, h.Value)).OrderBy(o => o.Name, StringComparer.Ordinal)];
        }
    }

    // Queue`1 → Queue<Int32>: the type a reader wrote.
    private static string NameOf(Type type) => !type.IsGenericType
        ? type.Name
        : $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(NameOf))}>";

    // Windows needs no tracker: its named objects disappear with their last handle.
    private static void Send(char op, Kind kind, string name)
    {
        if (!OperatingSystem.IsWindows())
        {
            SendUnix(op, kind, name);
        }
    }

    /// <summary>Deletes every shared-memory file whose name starts with <paramref name="prefix"/>.</summary>
    public static void RemovePrefix(string prefix)
    {
        foreach (var file in Directory.EnumerateFiles(SharedMemory.Folder, prefix + "*"))
        {
            TryDelete(file);
        }
    }

    // Gone already, or another user's leftover in a sticky /dev/shm: not ours to remove.
    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
