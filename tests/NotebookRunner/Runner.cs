using System.Diagnostics;
using System.Globalization;

namespace NotebookRunner;

/// <summary>The outcome of running one notebook in its own process.</summary>
public sealed record RunOutcome(bool Ok, int Cells, double Seconds, string Errors);

/// <summary>Runs one notebook in a new process, so each gets a fresh kernel, console and formatter state.</summary>
public static class Runner
{
    /// <summary>Runs <paramref name="notebook"/> with <c>--one</c>; a run past <paramref name="timeout"/> is killed and fails.</summary>
    public static async Task<RunOutcome> RunInOwnProcessAsync(string notebook, string output, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = typeof(Runner).Assembly.Location;
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("NotebookRunner", StringComparison.Ordinal))
        {
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(self);
        }

        info.ArgumentList.Add("--one");
        info.ArgumentList.Add(notebook);
        info.ArgumentList.Add(output);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new RunOutcome(false, 0, clock.Elapsed.TotalSeconds, $"timed out after {timeout}\n{await stderr}");
        }

        var summary = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(' ');
        var cells = summary is [var c, _] && int.TryParse(c, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new RunOutcome(process.ExitCode == 0, cells, clock.Elapsed.TotalSeconds, await stderr);
    }
}
