namespace Helpers.Multiprocessing;

/// <summary>
/// The parent's side of one running child, whatever started it (CPython's <c>popen_fork.Popen</c>,
/// which its start methods' Popens extend): forwarding its output, waiting, signalling, and reading
/// how it ended. <see cref="SpawnPopen"/> and <see cref="StandbyPopen"/> each get the child's OS
/// process their own way; <see cref="Mp"/> chooses between them.
/// </summary>
/// <remarks>
/// Exit codes: the child writes a tagged report line as it exits (<see cref="Wire.ExitReport"/>); a
/// child that ended without one was killed. How a child is signalled and how a death by signal reads
/// differ by platform: <c>Popen.Unix.cs</c> and <c>Popen.Windows.cs</c>.
/// </remarks>
internal abstract partial class Popen : IDisposable
{
    private static readonly int SigTerm = Platform.Libc.SIGTERM.Value;
    private static readonly int SigKill = Platform.Libc.SIGKILL.Value;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly System.Diagnostics.Process os;
    private readonly Process owner;
    private readonly string nonce;
    private readonly string begun;
    private readonly Action? onBegun;
    private int begunSeen;
    private readonly Tracing.TimelineRef? timeline;
    private readonly Task pumps;
    private readonly System.Threading.Lock gate = new();
    private int? reportedCode;
    private int? returnCode;
    private Task? exited;
    private int signalSent;

    /// <summary>Takes over the started child <paramref name="os"/> and hands it <paramref name="request"/>.</summary>
    /// <param name="os">The child program, started and waiting for its request.</param>
    /// <param name="request">What it runs.</param>
    /// <param name="owner">The process object it is.</param>
    /// <param name="onBegun">Called once, from the reader of the child's output, when the child's target begins, or when its output ends first.</param>
    protected Popen(System.Diagnostics.Process os, SpawnRequest request, Process owner, Action? onBegun = null)
    {
        this.os = os;
        this.owner = owner;
        this.onBegun = onBegun;
        (nonce, timeline) = (request.Nonce, request.Timeline);
        begun = Wire.TargetBegun(nonce);
        Pid = os.Id;
        pumps = Task.WhenAll(Pump(os.StandardOutput, isError: false), Pump(os.StandardError, isError: true));
        try
        {
            // The write end of stdin stays open: it is the child's lifeline.
            os.StandardInput.WriteLine(Wire.WriteRequest(request));
            os.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The child died before reading its request; its stderr (forwarded) and exit code tell why.
        }
    }

    /// <summary>
    /// Where a child's output lines go: by default to this process's console, tagged with the
    /// child's name. The notebook glue replaces it to show each line in the right cell.
    /// </summary>
    public static Action<Process, string, bool> Output { get; set; } = (process, line, isError) =>
        (isError ? Console.Error : Console.Out).WriteLine($"[{process.Name}] {line}");

    /// <summary>The child's OS process id.</summary>
    public int Pid { get; }

    /// <summary>Whether the child has exited, without reading how (which may wait for its last output).</summary>
    public bool HasExited => returnCode is not null || os.HasExited;

    /// <summary>The exit code if the child has exited (see <see cref="Process.ExitCode"/>), else <see langword="null"/>.</summary>
    public int? Poll() => returnCode ?? (os.HasExited ? Finish() : null);

    /// <summary>Waits up to <paramref name="timeout"/> for the child to exit; returns its exit code, or <see langword="null"/> if it is still running.</summary>
    public int? Wait(TimeSpan timeout) => returnCode ?? (os.WaitForExit(timeout) ? Finish() : null);

    /// <summary>Completes when the child has exited: the same task on every access (a sentinel is one handle, as in Python).</summary>
    public Task Exited => LazyInitializer.EnsureInitialized(ref exited, () => os.WaitForExitAsync());

    /// <summary>SIGTERM (Unix) or TerminateProcess (Windows); nothing if the child has exited.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGKILL (Unix) or TerminateProcess (Windows); nothing if the child has exited.</summary>
    public void Kill() => Signal(SigKill);

    /// <summary>Releases the OS handle and the pipes.</summary>
    public void Dispose() => os.Dispose();

    private void Signal(int signal)
    {
        lock (gate)
        {
            if (returnCode is not null || os.HasExited)
            {
                return;
            }

            signalSent = signal;
            if (OperatingSystem.IsWindows())
            {
                SignalWindows();
            }
            else
            {
                SignalUnix(signal);
            }
        }
    }

    private void Begun()
    {
        if (onBegun is not null && Interlocked.Exchange(ref begunSeen, 1) == 0)
        {
            onBegun();
        }
    }

    private int Finish()
    {
        // The exit report comes through the output pipe: read it to the end first.
        pumps.Wait(DrainTimeout);
        lock (gate)
        {
            returnCode ??= reportedCode ?? FromOsExitCode(os.ExitCode);
        }

        RuntimeFiles.Sweep(); // A child ended by a signal left the runtime's files behind.
        return returnCode.Value;
    }

    private int FromOsExitCode(int code) => OperatingSystem.IsWindows() ? FromOsExitCodeWindows(code) : FromOsExitCodeUnix(code);

    private async Task Pump(StreamReader reader, bool isError)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                // The begun line ends the line it is on: output written before it without a newline comes first.
                if (!isError && line.EndsWith(begun, StringComparison.Ordinal))
                {
                    Begun();
                    line = line[..^begun.Length];
                    if (line.Length == 0)
                    {
                        continue;
                    }
                }

                if (!isError && Wire.TryReadExitReport(line, nonce, out var code, out var before))
                {
                    reportedCode = code;
                    line = before;
                    if (line.Length == 0)
                    {
                        continue;
                    }
                }

                Output(owner, line, isError);
            }
        }
        finally
        {
            if (!isError)
            {
                Begun(); // Its output ended (or could not be read) before its target began, if it had not said so.
            }
        }

        // The output ends when the child does, however it ends: the moment its timeline row ends.
        if (!isError && timeline is not null && Tracing.Recorder.Current is { } recorder && recorder.Holds(timeline))
        {
            recorder.Record(Tracing.EventKind.Process, Tracing.EventPhase.Instant, Tracing.TimelineReader.Gone, timeline.StartId, Pid);
        }
    }
}
