using System.Globalization;
using System.Runtime.InteropServices;

namespace NotebookRunner.Grading;

/// <summary>
/// The processes of one submission, on Linux: every process started for it carries
/// <see cref="Variable"/> = its marker in its environment, which every descendant inherits (the
/// kernel, the helpers' children and spare, their resource tracker, anything the student's code
/// starts), and the kernel starts a session and process group of its own (setsid). What it started
/// is found by reading <c>/proc/PID/environ</c>, so a process that left the group (setsid, as the
/// resource tracker does) is found too; at the end all are killed, with their process groups, and
/// the shared-memory names (<c>/dev/shm/hmp-PID-…</c>, <c>sem.hmp-PID-…</c>) their pids created are removed.
/// A process that clears its environment and leaves the group escapes (or stays in the group after
/// every marked process has ended); so does one started under another user. Elsewhere than Linux, nothing is found and only the kernel's tree is killed.
/// </summary>
public sealed partial class SubmissionProcesses(string marker)
{
    /// <summary>The environment variable that marks a submission's processes.</summary>
    public const string Variable = "HELPERS_GRADE_RUN";

    private const int SigKill = 9;
    private readonly HashSet<int> seen = [];

    /// <summary>This submission's value of <see cref="Variable"/>.</summary>
    public string Marker { get; } = marker;

    /// <summary>Every pid seen with the marker so far.</summary>
    public IReadOnlyCollection<int> Seen
    {
        get
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    /// <summary>The processes running now, by the value of <see cref="Variable"/> they carry (Linux; elsewhere none).</summary>
    public static Dictionary<string, List<int>> Scan()
    {
        var found = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }

        var prefix = Variable + "=";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                foreach (var entry in File.ReadAllText(Path.Combine(dir, "environ")).Split('\0'))
                {
                    if (entry.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        var value = entry[prefix.Length..];
                        (found.TryGetValue(value, out var pids) ? pids : found[value] = []).Add(pid);
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // It exited while we looked, or it is another user's.
            }
        }

        return found;
    }

    /// <summary>Notes the pids a scan found for this submission; returns how many run now and their resident memory.</summary>
    public (int Count, long Bytes) Note(Dictionary<string, List<int>> scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (!scan.TryGetValue(Marker, out var pids))
        {
            return (0, 0);
        }

        long bytes = 0;
        lock (seen)
        {
            foreach (var pid in pids)
            {
                seen.Add(pid);
                bytes += Resident(pid);
            }
        }

        return (pids.Count, bytes);
    }

    /// <summary>
    /// Kills every process of this submission, and their process groups, until none is left (a
    /// process bomb keeps starting more while it is killed); returns how many were still running.
    /// </summary>
    public int KillAll()
    {
        // Only the groups of processes marked now: a group id seen earlier may be another program's by
        // now (pids are reused, and this machine's pid_max can be 32768).
        var own = Group(Environment.ProcessId);
        var killed = new HashSet<int>();
        for (var round = 0; round < 50; round++)
        {
            var scan = Scan();
            Note(scan);
            if (!scan.TryGetValue(Marker, out var pids) || pids.Count == 0)
            {
                return killed.Count;
            }

            foreach (var group in pids.Select(Group).Where(g => g > 1 && g != own).Distinct())
            {
                _ = Kill(-group, SigKill);
            }

            foreach (var pid in pids)
            {
                _ = Kill(pid, SigKill);
                killed.Add(pid);
            }

            Thread.Sleep(100); // a killed process stays in /proc until its parent reaps it
        }

        return killed.Count;
    }

    /// <summary>
    /// Removes the shared-memory files and semaphores whose names carry a pid of this submission
    /// (the helpers name them <c>hmp-PID-…</c>) and whose pid is not running again: call it after
    /// <see cref="KillAll"/>, as the resource tracker, killed with them, can no longer do it. Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> RemoveSharedObjects(string folder = "/dev/shm")
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder))
        {
            return removed;
        }

        var pids = Seen.ToHashSet();
        foreach (var path in Directory.EnumerateFiles(folder, "*hmp-*"))
        {
            // A pid of this submission that is alive again is another program's now: its names are its own.
            if (CreatorPid(Path.GetFileName(path)) is { } pid && pids.Contains(pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    File.Delete(path);
                    removed.Add(Path.GetFileName(path));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return removed;
    }

    /// <summary>The pid in a helpers' name (<c>hmp-PID-…</c> or <c>sem.hmp-PID-…</c>), or null.</summary>
    public static int? CreatorPid(string name)
    {
        var start = name.StartsWith("sem.", StringComparison.Ordinal) ? 4 : 0;
        if (!name.AsSpan(start).StartsWith("hmp-", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name.AsSpan(start + 4);
        var dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    // The process group: the fifth field of /proc/PID/stat, after the command in parentheses.
    private static int Group(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[2], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    // Resident memory: the second field of /proc/PID/statm, in pages.
    private static long Resident(int pid)
    {
        try
        {
            return long.Parse(File.ReadAllText($"/proc/{pid}/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
