using System.Text.Json;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Jupyter's stop button on the kernelspec that tools/jupyter-kernel.sh writes: the interrupt is a
/// message, so the kernel survives it and answers the next cell (with Jupyter's default, SIGINT to
/// the kernel's process group, the .NET kernel dies).
/// </summary>
[Collection(nameof(NotebookTests))] // One kernel at a time.
public sealed class KernelInterruptTests : IClassFixture<LeakCheck>
{
    [UnixFact]
    public void An_interrupted_cell_leaves_the_kernel_alive_and_the_next_cell_runs()
    {
        var script = Path.Combine(NotebookRun.RepositoryRoot, "tests", "Helpers.Tests", "Notebooks", "interrupt.py");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; // the Python that Debian's jupyter uses
        var info = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        using var run = System.Diagnostics.Process.Start(info)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        if (!run.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            run.Kill(entireProcessTree: true);
            Assert.Fail("interrupt.py did not finish within 5 minutes: " + stderr.Result);
        }

        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 0 && lines.Length > 0, $"interrupt.py failed (is jupyter-client installed, and the kernel? run tools/jupyter-kernel.sh): {stderr.Result}");
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.True(root.GetProperty("interrupt_mode").GetString() == "message", "the .net-csharp kernelspec interrupts by signal: run tools/jupyter-kernel.sh");
        Assert.True(root.GetProperty("alive").GetBoolean(), $"the kernel died on the interrupt: {lines[^1]}");
        Assert.Equal("ok", root.GetProperty("next_status").GetString());
        Assert.Equal("42", root.GetProperty("next").GetString());
    }
}
