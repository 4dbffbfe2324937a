using System.Text.Json;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// Jupyter's stop button on the kernelspec that tools/jupyter-kernel.sh writes: SIGINT to the kernel's
/// process group. Once the helpers are loaded the kernel survives it (alone, SIGINT ends a .NET
/// kernel), a cell blocked in the helpers (a Join on a child that never ends, a deadlock of two
/// threads on two locks) ends with an error that says why, and the next cell runs.
/// </summary>
[Collection(nameof(NotebookTests))] // One kernel at a time.
public sealed class KernelInterruptTests : IClassFixture<LeakCheck>
{
    [UnixFact]
    public void Interrupt_ends_a_sleeping_cell_a_blocked_join_and_a_deadlock_and_the_kernel_answers_the_next_cell()
    {
        var script = Path.Combine(NotebookRun.RepositoryRoot, "tests", "Helpers.Tests", "Notebooks", "interrupt.py");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; // the Python that Debian's jupyter uses
        var info = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(typeof(Helpers.Multiprocessing.Mp).Assembly.Location);
        using var run = System.Diagnostics.Process.Start(info)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        if (!run.WaitForExit(TimeSpan.FromMinutes(6)))
        {
            run.Kill(entireProcessTree: true);
            Assert.Fail("interrupt.py did not finish within 6 minutes: " + stderr.Result);
        }

        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 0 && lines.Length > 0, $"interrupt.py failed (is jupyter-client installed, and the kernel? run tools/jupyter-kernel.sh): {stderr.Result}");
        using var report = JsonDocument.Parse(lines[^1]);
        var root = report.RootElement;
        Assert.True(root.GetProperty("interrupt_mode").GetString() is null or "signal", "the .net-csharp kernelspec interrupts by message, which .NET Interactive ignores: run tools/jupyter-kernel.sh");
        Assert.True(root.GetProperty("setup").GetString() == "ok", $"the setup cell failed: {lines[^1]}");
        foreach (var (scenario, says) in new[] { ("sleep", ""), ("join", "Interrupted while waiting for Process-1 to end (Join)"), ("deadlock", "to end (Join)") })
        {
            Assert.True(root.TryGetProperty(scenario, out var result), $"no {scenario} in {lines[^1]}");
            Assert.True(result.GetProperty("alive").GetBoolean(), $"the kernel died on the interrupt ({scenario}): {lines[^1]}");
            Assert.Contains(says, result.GetProperty("error").GetString()!, StringComparison.Ordinal);
            Assert.True(result.GetProperty("next_status").GetString() == "ok", $"the next cell failed ({scenario}): {lines[^1]}");
            Assert.EndsWith("42", result.GetProperty("next").GetString()!, StringComparison.Ordinal);
        }
    }
}
