namespace Helpers.Multiprocessing;

/// <summary>
/// The files the .NET runtime makes for every process on Linux and macOS, in the temporary directory:
/// the debugger's two pipes (<c>clr-debug-pipe-PID-KEY-in</c> and <c>-out</c>) and the diagnostics
/// socket (<c>dotnet-diagnostic-PID-KEY-socket</c>), where KEY is the process's start time (the
/// runtime's <c>GetProcessIdDisambiguationKey</c>: jiffies since boot from <c>/proc/PID/stat</c> on
/// Linux, seconds since 1970 from <c>sysctl</c> on macOS). A runtime removes its own when it shuts
/// down; a child ended by a signal (Terminate, Kill, a pool's terminate, a spare that did not exit in
/// time) cannot, and would leave three files behind for every such child. So the parent notes each
/// child's key when it starts it, and removes the files once that process is gone. A parent that
/// is killed itself (a kernel killed with its process group) cannot: if it has a resource tracker,
/// the tracker, which outlives it, removes its files and its children's. Windows makes no such files.
/// </summary>
/// <remarks>The keys: <c>RuntimeFiles.Linux.cs</c> and <c>RuntimeFiles.OSX.cs</c>.</remarks>
internal static partial class RuntimeFiles
{
    private static readonly List<(int Pid, ulong Key)> Tracked = []; // Under itself.

    /// <summary>Notes a child this process has just started; call before anything could have reaped it.</summary>
    /// <param name="child">The child, started and not yet waited for.</param>
    public static void Track(System.Diagnostics.Process child)
    {
        // Read while the child cannot have been reaped: its pid names no other process yet. A child
        // that has exited already may have been, so its key is not trusted (it removed its files itself, or is rare).
        if (KeyOf(child.Id) is not { } key || child.HasExited)
        {
            return;
        }

        lock (Tracked)
        {
            Tracked.Add((child.Id, key));
        }

        ResourceTracker.NoteRuntimeFiles(Name(child.Id, key), added: true);
        Sweep();
    }

    /// <summary>The runtime files a new resource tracker is to remove if this process ends first: its own, and its children's.</summary>
    public static IReadOnlyList<string> Noted()
    {
        lock (Tracked)
        {
            var own = KeyOf(Environment.ProcessId) is { } key ? [Name(Environment.ProcessId, key)] : Array.Empty<string>();
            return [.. own, .. Tracked.Select(t => Name(t.Pid, t.Key))];
        }
    }

    /// <summary>Removes the runtime's files of the process named <c>PID-KEY</c> (by the resource tracker).</summary>
    public static void Remove(string pidKey)
    {
        var temp = Path.GetTempPath(); // The runtime's own choice too: $TMPDIR, else /tmp/.
        foreach (var name in (string[])[$"clr-debug-pipe-{pidKey}-in", $"clr-debug-pipe-{pidKey}-out", $"dotnet-diagnostic-{pidKey}-socket"])
        {
            try
            {
                File.Delete(Path.Combine(temp, name)); // No error if it is not there (the runtime removed it).
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to remove after all; nothing else to do.
            }
        }
    }

    /// <summary>Removes the files of every tracked child that is gone, and forgets it.</summary>
    public static void Sweep()
    {
        List<(int Pid, ulong Key)> gone;
        lock (Tracked)
        {
            // Gone: no process has its pid, or one with another start time does (the pid was reused).
            gone = [.. Tracked.Where(t => KeyOf(t.Pid) != t.Key)];
            Tracked.RemoveAll(gone.Contains);
        }

        foreach (var (pid, key) in gone)
        {
            Remove(Name(pid, key));
            ResourceTracker.NoteRuntimeFiles(Name(pid, key), added: false);
        }
    }

    private static string Name(int pid, ulong key) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{pid}-{key}");

    // The process's start time as the runtime spells it in those names; null if there is no such
    // process (or no such files on this platform).
    private static ulong? KeyOf(int pid) =>
        OperatingSystem.IsLinux() ? LinuxKeyOf(pid) : OperatingSystem.IsMacOS() ? OSXKeyOf(pid) : null;
}
