using System.Diagnostics;
using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// CPython beside the helpers, for comparisons made in the same run on the same machine (figures
/// from different runs of a shared machine are not comparable): a <c>python3</c> process that runs
/// the same jobs as the lessons on request and answers with their wall time
/// (<c>cpython.py serve</c>, shipped beside Helpers.dll; the benchmarks use the same script).
/// </summary>
public sealed class CPython : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);
    private readonly Process python;

    private CPython(Process python, string version) => (this.python, Version) = (python, version);

    /// <summary>CPython's version, as <c>python3 --version</c> says.</summary>
    public string Version { get; }

    /// <summary>Starts CPython, or returns null (with the reason) where <c>python3</c> is not installed.</summary>
    /// <param name="reason">Why there is no CPython, for the reader; null if it started.</param>
    /// <param name="startMethod">multiprocessing's start method: "spawn" (as the helpers, and Windows and macOS), "forkserver" or "fork".</param>
    public static CPython? TryStart(out string? reason, string startMethod = "spawn")
    {
        var script = Path.Combine(Path.GetDirectoryName(typeof(CPython).Assembly.Location)!, "cpython.py");
        if (!File.Exists(script))
        {
            reason = $"{script} is missing: rebuild the helpers (dotnet build Helpers.csproj), which put it beside Helpers.dll.";
            return null;
        }

        try
        {
            var version = Run("python3", "--version").Trim();
            var info = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])["-u", script, "serve", startMethod])
            {
                info.ArgumentList.Add(arg);
            }

            reason = null;
            return new CPython(Process.Start(info)!, version);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            reason = "python3 is not installed here, so there are no CPython figures to compare with.";
            return null;
        }
    }

    /// <summary>Counts the primes below <paramref name="limit"/> in 48 ranges, as the lessons do, with <paramref name="workers"/> CPython threads or pool processes.</summary>
    /// <param name="kind">"threads" (<c>threading.Thread</c>s taking the next range) or "processes" (<c>multiprocessing.Pool.map</c>, pool started and warmed up beforehand).</param>
    /// <param name="workers">How many threads or processes.</param>
    /// <param name="limit">The upper bound of the count.</param>
    /// <returns>The wall time in seconds, measured inside CPython.</returns>
    /// <exception cref="TimeoutException">No answer within 5 minutes.</exception>
    public double PrimesSeconds(string kind, int workers, int limit)
    {
        python.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"primes {kind} {workers} {limit}"));
        python.StandardInput.Flush();
        var answer = python.StandardOutput.ReadLineAsync();
        if (!answer.Wait(AnswerTimeout) || answer.Result is not { } line)
        {
            throw new TimeoutException($"CPython did not answer 'primes {kind} {workers}' within {AnswerTimeout.TotalMinutes} minutes (or it ended).");
        }

        return double.Parse(line, CultureInfo.InvariantCulture);
    }

    /// <summary>Ends CPython and its pools.</summary>
    public void Dispose()
    {
        python.StandardInput.Close();
        if (!python.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            python.Kill(entireProcessTree: true);
        }

        python.Dispose();
    }

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
