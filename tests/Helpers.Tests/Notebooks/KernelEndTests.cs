using Helpers.Multiprocessing;
using Xunit;
using Process = System.Diagnostics.Process;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Nothing is left behind however a kernel ends: a real C# kernel (the runner's, in a process of its
/// own, in a new session and process group as Jupyter starts one) creates shared objects and a
/// child, and is then killed as Jupyter restarts it (its whole process group), as VS Code ends it
/// (its process tree), or alone with SIGKILL. Its names must all disappear, and its child too.
/// </summary>
[Collection(nameof(NotebookTests))]
public sealed class KernelEndTests : IClassFixture<LeakCheck>
{
    public enum Ending
    {
        KillKernelAlone,
        KillProcessGroup,
        KillProcessTree,
    }

    [LinuxTheory]
    [InlineData(Ending.KillKernelAlone)]
    [InlineData(Ending.KillProcessGroup)]
    [InlineData(Ending.KillProcessTree)]
    public async Task Nothing_is_left_however_the_kernel_ends(Ending ending)
    {
        using var dir = new TempDir();
        var report = dir.File("report.txt");
        var notebook = NotebookRun.Write(dir, "kernel.ipynb",
            $"#r \"{typeof(Mp).Assembly.Location}\"\nusing mp = Helpers.Multiprocessing;",
            "void Forever() => System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);",
            $$"""
            var l = new mp.Lock();
            var q = new mp.Queue<int>();
            q.Put(1);
            var e = new mp.Event();
            var child = new mp.Process(Forever);
            child.Start();
            System.IO.File.WriteAllLines(@"{{report}}.tmp", mp.Mp.SharedObjects().Select(o => o.Name).Append($"child {child.Pid}"));
            System.IO.File.Move(@"{{report}}.tmp", @"{{report}}");
            System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
            """);

        using var kernel = await NotebookRun.StartKernelAsync(notebook, dir.File("out.ipynb"), report, 120);

        var lines = File.ReadAllLines(report);
        var names = lines.Where(l => l.StartsWith("hmp-", StringComparison.Ordinal)).ToList();
        var child = int.Parse(lines.Single(l => l.StartsWith("child ", StringComparison.Ordinal))["child ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEmpty(names);
        Assert.Contains(names, n => Exists(n));
        Assert.True(Wait.Until(() => SpareOf(kernel.Id) is not null, 60), "the kernel started no spare child (standby start method) after its first child");
        var spare = SpareOf(kernel.Id)!.Value;

        // The .NET runtime's own files of each (debugger pipes, diagnostics socket), named with
        // the process's start time: a process killed by a signal leaves them, the tracker removes them.
        var runtimeFiles = new[] { kernel.Id, child, spare }.SelectMany(RuntimeFilesOf).ToList();
        Assert.True(Wait.Until(() => runtimeFiles.All(File.Exists), 30), $"the runtime did not make its files: {string.Join(", ", runtimeFiles.Where(f => !File.Exists(f)))}");

        switch (ending)
        {
            case Ending.KillKernelAlone:
                kernel.Kill();
                break;
            case Ending.KillProcessGroup:
                Assert.Equal(0, Kill(-kernel.Id, 9)); // setsid made the kernel its group's leader.
                break;
            case Ending.KillProcessTree:
                kernel.Kill(entireProcessTree: true);
                break;
        }

        await kernel.WaitForExitAsync();
        Assert.True(Wait.Until(() => !names.Any(Exists), 30), $"left after {ending}: {string.Join(", ", names.Where(Exists))}");
        Assert.True(Wait.PidGone(child), $"the kernel's child {child} outlived it");
        Assert.True(Wait.PidGone(spare), $"the kernel's spare child {spare} outlived it");
        Assert.True(Wait.Until(() => !runtimeFiles.Any(File.Exists), 30), $"left after {ending}: {string.Join(", ", runtimeFiles.Where(File.Exists))}");
    }

    // clr-debug-pipe-PID-KEY-in and -out, dotnet-diagnostic-PID-KEY-socket, KEY field 22 of /proc/PID/stat (proc(5)).
    private static IEnumerable<string> RuntimeFilesOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var key = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        return [.. new[] { $"clr-debug-pipe-{pid}-{key}-in", $"clr-debug-pipe-{pid}-{key}-out", $"dotnet-diagnostic-{pid}-{key}-socket" }.Select(name => Path.Combine(Path.GetTempPath(), name))];
    }

    // The spare child of the standby start method: a child of that process started with --standby.
    private static int? SpareOf(int parent)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // After "pid (name) ": state, ppid, …
                if (fields[1] == parent.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0').Contains("--standby"))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        return null;
    }

    private static bool Exists(string name) =>
        File.Exists(Path.Combine(SharedMemory.Folder, name)) || File.Exists(Path.Combine(SharedMemory.Folder, "sem." + name))
        || (name.EndsWith("-spill-", StringComparison.Ordinal) && Directory.GetFiles(SharedMemory.Folder, name + "*").Length > 0);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
