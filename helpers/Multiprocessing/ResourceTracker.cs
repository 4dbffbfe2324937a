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
/// The tracker is a small child (<c>dotnet exec Helpers.dll --resource-tracker</c>) started with the
/// first named object. Each creation and each removal is one line on its standard input; when that
/// pipe closes (its creator has ended, however it ended) it removes whatever is still registered.
/// Only Linux and macOS need it: on Windows, named kernel objects disappear with their last handle.
/// Names start with <c>hmp-</c> and the creator's process id, so what belongs to the helpers is
/// recognisable in <c>/dev/shm</c>.
/// </remarks>
internal static class ResourceTracker
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
    }

    /// <summary>The argument that makes Helpers.dll run as a tracker.</summary>
    public const string Argument = "--resource-tracker";

    private static readonly System.Threading.Lock Gate = new();
    private const string ReadyLine = "ready";
    private static StreamWriter? tracker;
    private static System.Diagnostics.Process? process;

    /// <summary>A fresh name: <c>hmp-PID-KIND-RANDOM</c>, short enough for macOS's 31-character semaphore names.</summary>
    public static string NewName(string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"hmp-{Environment.ProcessId}-{kind}-{Random.Shared.Next():x8}");

    /// <summary>Tells the tracker that <paramref name="name"/> exists and is this process's to remove.</summary>
    public static void Register(Kind kind, string name) => Send('+', kind, name);

    /// <summary>Tells the tracker that <paramref name="name"/> has been removed.</summary>
    public static void Unregister(Kind kind, string name) => Send('-', kind, name);

    private static void Send(char op, Kind kind, string name)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        lock (Gate)
        {
            try
            {
                tracker ??= Start();
                tracker.WriteLine($"{op}{kind} {name}");
            }
            catch (IOException)
            {
                // The tracker has died (it cannot outlive this process otherwise): a new one takes
                // over the next registration; this one is left to Dispose.
                tracker = null;
            }
        }
    }

    // Starts the tracker and waits until it says it is ready, so that a tracker that cannot run is
    // an error here rather than a silent leak later.
    private static StreamWriter Start()
    {
        var info = new ProcessStartInfo(Popen.DotnetHost.Value)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Popen.HelpersDll);
        info.ArgumentList.Add(Argument);
        process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("Could not start the resource tracker.");
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result != ReadyLine)
        {
            var error = process.WaitForExit(TimeSpan.FromSeconds(5)) ? process.StandardError.ReadToEnd() : "(no answer within 60 s)";
            process.Kill();
            throw new InvalidOperationException(
                $"The resource tracker ({Popen.HelpersDll} {Argument}) could not start, so shared objects could leak; " +
                $"check that Helpers.runtimeconfig.json is beside Helpers.dll. It said: {error.Trim()}");
        }

        process.StandardInput.AutoFlush = true;
        return process.StandardInput;
    }

    /// <summary>The tracker's main loop: reads registrations until its creator is gone, then removes what is left.</summary>
    /// <returns>The exit code, 0.</returns>
    public static int Run()
    {
        var live = new HashSet<(Kind, string)>();

        // A terminal's Ctrl+C or a kill of the whole process group must not stop the tracker before
        // it has cleaned up: it ends when its creator's pipe closes (CPython's tracker does the same).
        using var ignored = new DisposableList(
            [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
                .Select(s => PosixSignalRegistration.Create(s, context => context.Cancel = true))]);
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
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

    /// <summary>Deletes every shared-memory file whose name starts with <paramref name="prefix"/>.</summary>
    public static void RemovePrefix(string prefix)
    {
        foreach (var file in Directory.EnumerateFiles(SharedMemory.Folder, prefix + "*"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Remove(Kind kind, string name)
    {
        try
        {
            if (kind == Kind.Semaphore)
            {
                _ = Posix.SemUnlink("/" + name);
            }
            else if (kind == Kind.SharedMemory)
            {
                File.Delete(Path.Combine(SharedMemory.Folder, name));
            }
            else
            {
                RemovePrefix(name);
            }
        }
        catch (IOException)
        {
        }
    }

    private sealed class DisposableList(List<PosixSignalRegistration> items) : IDisposable
    {
        public void Dispose() => items.ForEach(i => i.Dispose());
    }
}
