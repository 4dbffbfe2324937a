using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Helpers.Multiprocessing.Platform;

namespace Helpers.Multiprocessing;

// Linux and macOS: the tracker process, how it is started detached, its main loop, and the sweep
// of names whose creator is gone.
internal static partial class ResourceTracker
{
    [UnsupportedOSPlatform("windows")]
    private static void SendUnix(char op, Kind kind, string name)
    {
        if (op == '-' && tracker is null)
        {
            return; // Nothing to tell a tracker that is gone (maybe from a finalizer): a new one learns only what is held.
        }

        try
        {
            if (tracker is null)
            {
                // The first tracker, or a new one after the last died: it learns all we hold.
                tracker = Start();
                foreach (var (heldKind, heldName) in Held.Keys)
                {
                    tracker.WriteLine($"+{heldKind} {heldName}");
                }

                // This process's runtime files, and its children's: a kernel killed with its
                // process group leaves them all, and only the tracker outlives it.
                foreach (var pidKey in RuntimeFiles.Noted())
                {
                    tracker.WriteLine($"+{Kind.RuntimeFiles} {pidKey}");
                }
            }

            tracker.WriteLine($"{op}{kind} {name}");
        }
        catch (IOException)
        {
            // The tracker has died (killed by hand): the next registration starts a new one.
            tracker = null;
        }
    }

    // Starts the tracker, detached (see the remarks), and waits until it says it is ready, so that a
    // tracker that cannot run is an error here rather than a silent leak later. The shell exits at
    // once; the tracker keeps the shell's standard input and output, which are our pipes.
    [UnsupportedOSPlatform("windows")]
    private static StreamWriter Start()
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add("-c");
        // A background command's standard input would be /dev/null: hand it ours through fd 3.
        info.ArgumentList.Add("exec 3<&0; \"$0\" \"$@\" <&3 3<&- &");
        foreach (var argument in ChildHost.CommandLine(Wire.TrackerArgument))
        {
            info.ArgumentList.Add(argument);
        }

        using var shell = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("Could not start the resource tracker.");
        var ready = shell.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result is not { } line || !line.StartsWith(Wire.TrackerReady, StringComparison.Ordinal))
        {
            shell.StandardInput.Close(); // A tracker that did start then ends on its own.
            var stderr = shell.StandardError.ReadToEndAsync();
            var said = ready.IsCompleted && stderr.Wait(TimeSpan.FromSeconds(5)) ? $"It said: {stderr.Result.Trim()}" : "It did not answer within 60 s.";
            throw new InvalidOperationException(
                $"The resource tracker ({ChildHost.HelpersDll} {Wire.TrackerArgument}) could not start, so shared objects could leak; " +
                $"check that Helpers.runtimeconfig.json is beside Helpers.dll. {said}");
        }

        TrackerPid = int.Parse(line.AsSpan(Wire.TrackerReady.Length + 1), CultureInfo.InvariantCulture);
        shell.StandardInput.AutoFlush = true;
        return shell.StandardInput;
    }

    /// <summary>The tracker's process id, once started (0 before).</summary>
    public static int TrackerPid { get; private set; }

    /// <summary>The tracker's main loop: reads registrations until its creator is gone, then removes what is left.</summary>
    /// <returns>The exit code, 0.</returns>
    [UnsupportedOSPlatform("windows")]
    public static int Run()
    {
        var live = new HashSet<(Kind, string)>();

        // A terminal's Ctrl+C or a kill of the whole process group must not stop the tracker before
        // it has cleaned up: it ends when its creator's pipe closes (CPython's tracker does the same).
        using var ignored = new DisposableList(
            [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
                .Select(s => PosixSignalRegistration.Create(s, context => context.Cancel = true))]);
        _ = Posix.SetSid(); // Out of the creator's process group and session (see the remarks).
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Wire.TrackerReady} {Environment.ProcessId}"));
        Console.Out.Flush();
        Sweep();
        try
        {
            while (Console.In.ReadLine() is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (line.Length < 3 || space < 0 || !Enum.TryParse<Kind>(line[1..space], out var kind))
                {
                    continue;
                }

                var entry = (kind, line[(space + 1)..]);
                _ = line[0] == '+' ? live.Add(entry) : live.Remove(entry);
            }
        }
        catch (IOException)
        {
            // The creator died mid-line: clean up all the same.
        }

        foreach (var (kind, name) in live)
        {
            Remove(kind, name);
        }

        return 0;
    }

    /// <summary>Removes the helpers' names (files and, on Linux, semaphores) in <paramref name="folder"/> whose creating process no longer exists.</summary>
    [UnsupportedOSPlatform("windows")]
    internal static void Sweep(string? folder = null)
    {
        foreach (var path in Directory.EnumerateFiles(folder ?? SharedMemory.Folder, "*hmp-*"))
        {
            var file = Path.GetFileName(path);
            var semaphore = file.StartsWith("sem.hmp-", StringComparison.Ordinal);
            var name = semaphore ? file["sem.".Length..] : file;
            var dash = name.IndexOf('-', "hmp-".Length);
            if (!name.StartsWith("hmp-", StringComparison.Ordinal) || dash < 0
                || !int.TryParse(name.AsSpan("hmp-".Length, dash - "hmp-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || SemLock.ProcessExists(pid))
            {
                continue;
            }

            if (semaphore)
            {
                Remove(Kind.Semaphore, name);
            }
            else
            {
                TryDelete(path);
            }
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void Remove(Kind kind, string name)
    {
        switch (kind)
        {
            case Kind.Semaphore:
                _ = Posix.SemUnlink("/" + name);
                break;
            case Kind.SharedMemory:
                TryDelete(Path.Combine(SharedMemory.Folder, name));
                break;
            case Kind.RuntimeFiles:
                RuntimeFiles.Remove(name);
                break;
            default:
                RemovePrefix(name);
                break;
        }
    }

    private sealed class DisposableList(List<PosixSignalRegistration> items) : IDisposable
    {
        public void Dispose() => items.ForEach(i => i.Dispose());
    }
}
