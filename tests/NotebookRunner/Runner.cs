using System.Diagnostics;
using System.Globalization;

namespace NotebookRunner;

/// <summary>The outcome of running one notebook in its own process.</summary>
public sealed record RunOutcome(bool Ok, int Cells, double Seconds, string Errors);

/// <summary>Runs one notebook in a new process, so each gets a fresh kernel, console and formatter state.</summary>
public static class Runner
{
    /// <summary>Runs <paramref name="notebook"/> with <c>--one</c>; a run past <paramref name="timeout"/> is killed and fails.
    /// Relative paths resolve from <paramref name="workingDirectory"/>, by default the notebook's folder.</summary>
    public static async Task<RunOutcome> RunInOwnProcessAsync(string notebook, string output, TimeSpan timeout, string? workingDirectory = null, string? cancelSignal = null)
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
