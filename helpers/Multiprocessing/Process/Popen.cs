using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>
/// The OS side of one child (CPython's <c>popen_spawn_posix.Popen</c>): starting <c>dotnet</c>,
/// forwarding its output, waiting, signalling, and reading how it ended.
/// </summary>
/// <remarks>
/// Exit codes: the child writes a tagged report line as it exits; a child that ended without one
/// was killed. How a child is signalled and how a death by signal reads differ by platform:
/// <c>Popen.Unix.cs</c> and <c>Popen.Windows.cs</c>.
/// </remarks>
internal sealed partial class Popen : IDisposable
{
    private const char ReportMark = '\u001e';
    private static readonly int SigTerm = Platform.Libc.SIGTERM.Value;
    private static readonly int SigKill = Platform.Libc.SIGKILL.Value;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    /// <summary>The child program: this assembly.</summary>
    internal static readonly string HelpersDll = typeof(Popen).Assembly.Location;

    /// <summary>The <c>dotnet</c> host that runs <see cref="HelpersDll"/>.</summary>
    internal static readonly Lazy<string> DotnetHost = new(FindDotnetHost);

    private readonly System.Diagnostics.Process os;
    private readonly Process owner;
    private readonly string nonce;
    private readonly Task pumps;
    private readonly System.Threading.Lock gate = new();
    private int? reportedCode;
    private int? returnCode;
    private Task? exited;
    private int signalSent;

    /// <summary>Starts the child and hands it <paramref name="request"/>.</summary>
    public Popen(SpawnRequest request, Process owner)
    {
        this.owner = owner;
        nonce = request.Nonce;
        var remembered = request;
        var standby = Mp.StartMethodForStart() == Mp.StandbyMethod;
        os = (standby ? Standby.Take(ref request) : null) ?? Launch(standby: false);
        Pid = os.Id;
        pumps = Task.WhenAll(Pump(os.StandardOutput, isError: false), Pump(os.StandardError, isError: true));
        try
        {
            // The write end of stdin stays open: it is the child's lifeline.
            os.StandardInput.WriteLine(JsonSerializer.Serialize(request, SpawnJson.Default.SpawnRequest));
            os.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The child died before reading its request; its stderr (forwarded) and exit code tell why.
        }

        if (standby)
        {
            Standby.Remember(remembered);
            Standby.Replenish();
        }
    }

    /// <summary>
    /// Starts <c>dotnet exec Helpers.dll</c> with its standard streams redirected; it waits for its
    /// request on standard input. A <paramref name="standby"/> child first readies its start path.
    /// </summary>
    internal static System.Diagnostics.Process Launch(bool standby)
    {
        var info = new ProcessStartInfo(DotnetHost.Value)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(HelpersDll);
        if (standby)
        {
            info.ArgumentList.Add(Spawn.StandbyArgument);
        }

        return System.Diagnostics.Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start '{DotnetHost.Value}'.");
    }

    /// <summary>
    /// Where a child's output lines go: by default to this process's console, tagged with the
    /// child's name. The notebook glue replaces it to show each line in the right cell.
    /// </summary>
    public static Action<Process, string, bool> Output { get; set; } = (process, line, isError) =>
        (isError ? Console.Error : Console.Out).WriteLine($"[{process.Name}] {line}");

    /// <summary>In a child: set once its exit has been reported, or must not be (killed by a signal, lifeline lost).</summary>
    public static bool ChildExitReported { get; set; }

    /// <summary>The child's OS process id.</summary>
    public int Pid { get; }

    /// <summary>In a child, on exit: tells the parent the exit code, on a tagged last line of standard output.</summary>
    public static void ReportChildExit(string nonce, int code)
    {
        if (ChildExitReported)
        {
            return;
        }

        ChildExitReported = true;
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(Encoding.UTF8.GetBytes($"{ReportMark}{nonce}:{code.ToString(CultureInfo.InvariantCulture)}\n"));
    }

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

    private int Finish()
    {
        // The exit report comes through the output pipe: read it to the end first.
        pumps.Wait(DrainTimeout);
        lock (gate)
        {
            returnCode ??= reportedCode ?? FromOsExitCode(os.ExitCode);
            return returnCode.Value;
        }
    }

    private int FromOsExitCode(int code) => OperatingSystem.IsWindows() ? FromOsExitCodeWindows(code) : FromOsExitCodeUnix(code);

    private async Task Pump(StreamReader reader, bool isError)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var mark = isError ? -1 : line.LastIndexOf(ReportMark);
            if (mark >= 0 && line.AsSpan(mark + 1).StartsWith(nonce)
                && int.TryParse(line.AsSpan(mark + 2 + nonce.Length), CultureInfo.InvariantCulture, out var code))
            {
                reportedCode = code;
                line = line[..mark];
                if (line.Length == 0)
                {
                    continue;
                }
            }

            Output(owner, line, isError);
        }
    }

    private static string FindDotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == exe)
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host))
        {
            return host;
        }

        // The shared runtime lives in <root>/shared/Microsoft.NETCore.App/<version>/, the host in <root>.
        return Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe));
    }
}
