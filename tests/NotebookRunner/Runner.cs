using System.Diagnostics;
using System.Globalization;

namespace NotebookRunner;

/// <summary>The outcome of running one notebook in its own process.</summary>
/// <param name="Ok">Whether it ran to the end with no failed cell.</param>
/// <param name="Cells">How many code cells ran (0 when the process did not report).</param>
/// <param name="Seconds">The wall time.</param>
/// <param name="Errors">What the process wrote to its standard error, or why it was stopped.</param>
/// <param name="ExitCode">The process's exit code (128 + N after signal N); null when it was stopped at its time limit.</param>
/// <param name="TimedOut">Whether it was stopped at its time limit.</param>
public sealed record RunOutcome(bool Ok, int Cells, double Seconds, string Errors, int? ExitCode = null, bool TimedOut = false);

/// <summary>Runs one notebook in a new process, so each gets a fresh kernel, console and formatter state.</summary>
public static class Runner
{
    /// <summary>Runs <paramref name="notebook"/> with <c>--one</c>; a run past <paramref name="timeout"/> is killed and fails.
    /// Relative paths resolve from <paramref name="workingDirectory"/>, by default the notebook's folder.
    /// <paramref name="prepare"/> may change the process's start (grading: its environment, a wrapper such as setsid, more options).</summary>
    public static async Task<RunOutcome> RunInOwnProcessAsync(
        string notebook, string output, TimeSpan timeout, string? workingDirectory = null, string? cancelSignal = null, Action<ProcessStartInfo>? prepare = null)
    {
        // Runs this assembly with --one: through its own apphost when that is what runs now, else with
        // the dotnet host (a test process, `dotnet NotebookRunner.dll`).
        var self = typeof(Runner).Assembly.Location;
        var apphost = Path.ChangeExtension(self, OperatingSystem.IsWindows() ? ".exe" : null);
        var info = new ProcessStartInfo(Environment.ProcessPath == apphost ? apphost : DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (info.FileName != apphost)
        {
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(self);
        }

        info.ArgumentList.Add("--one");
        info.ArgumentList.Add(notebook);
        info.ArgumentList.Add(output);
        if (workingDirectory is not null)
        {
            info.ArgumentList.Add(workingDirectory);
        }

        if (cancelSignal is not null)
        {
            info.ArgumentList.Add("--cancel-on");
            info.ArgumentList.Add(cancelSignal);
        }

        prepare?.Invoke(info);
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
            return new RunOutcome(false, 0, clock.Elapsed.TotalSeconds, $"timed out after {timeout}\n{await DrainedAsync(stderr)}", TimedOut: true);
        }

        var summary = (await DrainedAsync(stdout)).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Split(' ');
        var cells = summary is [var c, _] && int.TryParse(c, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new RunOutcome(process.ExitCode == 0, cells, clock.Elapsed.TotalSeconds, await DrainedAsync(stderr), process.ExitCode);
    }

    // A program the notebook started and left running (in a session of its own, so not killed with the
    // tree) may still hold the pipe open: the run is over all the same. Keeps at most 64 K characters.
    private static async Task<string> DrainedAsync(Task<string> read)
    {
        await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5)));
        var text = read.IsCompletedSuccessfully ? read.Result : "(its output was still held open by a process it left running)";
        return text.Length <= 65536 ? text : text[..65536] + "\n… (truncated)";
    }

    private static string DotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == exe)
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host)
            ? host
            : Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe));
    }
}
