using System.Diagnostics;
using System.Globalization;
using InterruptScope = Helpers.Multiprocessing.InterruptScope;

namespace Helpers.Measure;

/// <summary>
/// CPython beside the helpers, for comparisons made in the same run on the same machine (figures
/// from different runs of a shared machine are not comparable): a <c>python3</c> process that runs
/// the same jobs as the lessons on request and answers with their figure: a count of primes on
/// threads or processes, a child's start, a queue's rate, a pipe's round trip
/// (<c>cpython.py serve</c>, shipped beside Helpers.dll; the benchmarks use the same script). Each
/// job is timed inside CPython, so a figure does not include the request's own trip.
/// </summary>
public sealed class CPython : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);
    private readonly Process python;

    private CPython(Process python, string version, string startMethod) => (this.python, Version, StartMethod) = (python, version, startMethod);

    /// <summary>CPython's version, such as "3.11.7".</summary>
    public string Version { get; }

    /// <summary>The start method of this CPython's <c>multiprocessing</c>: the one asked for, or the platform's default.</summary>
    public string StartMethod { get; }

    /// <summary>Starts CPython, or returns null (with the reason) where it is not installed (<c>python3</c>; on Windows <c>py -3</c>, <c>python</c> or <c>python3</c>).</summary>
    /// <param name="reason">Why there is no CPython, for the reader; null if it started.</param>
    /// <param name="startMethod">multiprocessing's start method: "spawn" (as the helpers, and Windows and macOS), "forkserver" or "fork"; null for the platform's default (<c>forkserver</c> on Linux since Python 3.14, <c>fork</c> before it).</param>
    /// <exception cref="InvalidOperationException">CPython started but did not answer as the script should (a broken install).</exception>
    public static CPython? TryStart(out string? reason, string? startMethod = null)
    {
        var script = Path.Combine(Path.GetDirectoryName(typeof(CPython).Assembly.Location)!, "cpython.py");
        if (!File.Exists(script))
        {
            reason = $"{script} is missing: rebuild the helpers (dotnet build Helpers.csproj), which put it beside Helpers.dll.";
            return null;
        }

        foreach (var (program, prefix) in Candidates)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])[.. prefix, "-u", script, "serve", .. startMethod is null ? [] : new[] { startMethod }])
            {
                info.ArgumentList.Add(arg);
            }

            Process python;
            try
            {
                python = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                continue; // Not installed under this name.
            }

            var hello = python.StandardOutput.ReadLineAsync();
            if (!hello.Wait(AnswerTimeout))
            {
                python.Kill(entireProcessTree: true);
                python.Dispose();
                throw new InvalidOperationException($"{program} {script} serve did not say which Python it is within {AnswerTimeout.TotalMinutes} minutes: is {program} a working CPython 3.8 or later?");
            }

            if (hello.Result is not { } line)
            {
                // It ended without a word: on Windows, the Store's alias when no Python is installed.
                python.WaitForExit(AnswerTimeout);
                python.Dispose();
                continue;
            }

            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(line);
                reason = null;
                return new CPython(python, json.RootElement.GetProperty("version").GetString()!, json.RootElement.GetProperty("start").GetString()!);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                python.Kill(entireProcessTree: true);
                python.Dispose();
                throw new InvalidOperationException($"{program} {script} serve answered '{line}', not the script's greeting: is {program} a CPython 3.8 or later?", e);
            }
        }

        reason = $"CPython is not installed here ({string.Join(", ", Candidates.Select(c => string.Join(' ', [c.Program, .. c.Prefix])))} not found), so there are no CPython figures to compare with.";
        return null;
    }

    // Where CPython is: python3 on Linux and macOS; on Windows the py launcher of python.org's
    // installer first, then python, then python3 (either may be the Store's alias, which only says
    // how to install Python when none is).
    private static (string Program, string[] Prefix)[] Candidates =>
        OperatingSystem.IsWindows() ? [("py", ["-3"]), ("python", []), ("python3", [])] : [("python3", [])];

    /// <summary>Counts the primes below <paramref name="limit"/> in 48 ranges, as the lessons do, with <paramref name="workers"/> CPython threads or pool processes.</summary>
    /// <param name="kind">"threads" (<c>threading.Thread</c>s taking the next range) or "processes" (<c>multiprocessing.Pool.map</c>, pool started and warmed up beforehand).</param>
    /// <param name="workers">How many threads or processes.</param>
    /// <param name="limit">The upper bound of the count.</param>
    /// <returns>The wall time in seconds, measured inside CPython.</returns>
    /// <exception cref="TimeoutException">No answer within 5 minutes.</exception>
    public double PrimesSeconds(string kind, int workers, int limit)
    {
        if (kind is not ("threads" or "processes"))
        {
            throw new ArgumentException($"kind is \"threads\" or \"processes\", not \"{kind}\".", nameof(kind));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Ask(string.Create(CultureInfo.InvariantCulture, $"primes {kind} {workers} {limit}"));
    }

    /// <summary>
    /// What starting a child costs with this CPython's start method, measured as the helpers' lessons
    /// measure it: one untimed start + join of a child that does nothing (it also starts forkserver's
    /// server), a sleep of <paramref name="pauseSeconds"/>, then <paramref name="runs"/> timed starts
    /// + joins back to back.
    /// </summary>
    /// <returns>Their mean, in milliseconds, measured inside CPython.</returns>
    public double StartJoinMilliseconds(double pauseSeconds, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pauseSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        return Ask(string.Create(CultureInfo.InvariantCulture, $"start {pauseSeconds} {runs}"));
    }

    /// <summary>How many small ints a second a child puts through a <c>multiprocessing.Queue</c> to this CPython's main process (<paramref name="items"/> of them).</summary>
    public double QueueItemsPerSecond(int items)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 2);
        return Ask(string.Create(CultureInfo.InvariantCulture, $"queue {items}"));
    }

    /// <summary>The microseconds of one round trip of a small int through a <c>multiprocessing.Pipe</c> to a child that echoes it, the mean of <paramref name="trips"/> (a child started for the purpose).</summary>
    /// <param name="trips">The timed round trips.</param>
    /// <param name="warmUp">Untimed round trips first.</param>
    public double PipeRoundTripMicroseconds(int trips, int warmUp = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trips, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUp);
        return Ask(string.Create(CultureInfo.InvariantCulture, $"pipe {trips} {warmUp}"));
    }

    /// <summary>
    /// Counts the primes below <paramref name="limit"/> on <paramref name="workers"/> CPython threads
    /// that note when each of them ran (<see cref="PythonThreadTurns"/>): where the GIL lets one
    /// thread run Python code at a time, their running slices take turns.
    /// </summary>
    /// <exception cref="TimeoutException">No answer within 5 minutes.</exception>
    public PythonThreadTurns ThreadTurns(int workers, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var job = string.Create(CultureInfo.InvariantCulture, $"turns {workers} {limit}");
        var line = AskLine(job);
        try
        {
            return PythonThreadTurns.Parse(line, Version);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidOperationException($"CPython answered '{job}' with something that is not its timings: {line[..Math.Min(line.Length, 200)]}", e);
        }
    }

    private double Ask(string job) => double.Parse(AskLine(job), CultureInfo.InvariantCulture);

    private string AskLine(string job)
    {
        python.StandardInput.WriteLine(job);
        python.StandardInput.Flush();
        var answer = python.StandardOutput.ReadLineAsync();
        if (!InterruptScope.Wait(answer.Wait, AnswerTimeout, $"CPython's answer to '{job}'", StopPython) || answer.Result is not { } line)
        {
            throw new TimeoutException($"CPython did not answer '{job}' within {AnswerTimeout.TotalMinutes} minutes (or it ended).");
        }

        return line;
    }

    // An interrupted question ends CPython: its answer would come to the next question.
    private string? StopPython()
    {
        if (python.HasExited)
        {
            return null;
        }

        python.Kill(entireProcessTree: true);
        python.WaitForExit(TimeSpan.FromSeconds(5));
        return $"python3 (pid {python.Id}) killed";
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
}
