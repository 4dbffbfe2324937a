using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Helpers.Multiprocessing;

/// <summary>
/// How a child program starts: <c>Helpers.dll</c> in a role (see <see cref="Wire"/>), on this
/// process's own runtime, with its standard streams redirected. Children, spares and the resource
/// tracker all start here.
/// </summary>
/// <remarks>
/// <para>Two ways, each chosen only where it runs the very runtime of this process, but for the last resorts:</para>
/// <list type="bullet">
/// <item>The helpers' own apphost (<c>Helpers.exe</c> on Windows, <c>Helpers</c> elsewhere), built
/// beside <c>Helpers.dll</c>: in a self-contained program it is the only way (it runs the runtime
/// beside it, and no <c>dotnet</c> is installed); in a framework-dependent one, when the .NET host's
/// own search finds this process's runtime (<c>DOTNET_ROOT_&lt;ARCH&gt;</c>, <c>DOTNET_ROOT</c>, the
/// registered install location, the default one).</item>
/// <item>Otherwise the <c>dotnet</c> muxer of this process's runtime: <c>dotnet exec Helpers.dll</c>.
/// The <c>DOTNET_HOST_PATH</c> the SDK sets, and a <c>dotnet</c> on the <c>PATH</c>, come last: they
/// may run another runtime of the same major version, as <c>dotnet exec</c> picks it.</item>
/// </list>
/// <para>On Windows every child program is also in a job object that ends with this process
/// (<c>ChildHost.Windows.cs</c>): the lifeline's second strand there.</para>
/// </remarks>
internal static partial class ChildHost
{
    /// <summary>The child program: this assembly.</summary>
    public static readonly string HelpersDll = typeof(ChildHost).Assembly.Location;

    // Found once; a failure is not kept, so setting DOTNET_ROOT (as its message says) takes effect at the next start.
    private static readonly Lazy<(string Program, bool IsApphost)> Host = new(FindHost, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>
    /// The way children start, for tests and benchmarks: null to choose (the default), or
    /// <see langword="true"/>/<see langword="false"/> to force the apphost or the <c>dotnet</c> muxer.
    /// The environment variable <c>HELPERS_CHILD_HOST</c> (<c>apphost</c> or <c>dotnet</c>) sets it too.
    /// </summary>
    internal static bool? UseApphost { get; set; } = Environment.GetEnvironmentVariable("HELPERS_CHILD_HOST") switch
    {
        "apphost" => true,
        "dotnet" => false,
        _ => null,
    };

    /// <summary>The program and the arguments that run <c>Helpers.dll</c> in <paramref name="role"/> (none for a child).</summary>
    /// <exception cref="InvalidOperationException">No way to start a child was found; the message names where it looked.</exception>
    public static IReadOnlyList<string> CommandLine(string? role = null)
    {
        var (program, isApphost) = UseApphost switch
        {
            true => (Apphost ?? throw new InvalidOperationException($"No apphost beside {HelpersDll}: it is built with Helpers.dll unless UseAppHost is false."), true),
            false => (FindMuxer(out var looked) ?? throw NotFound(looked), false),
            null => Host.Value,
        };
        List<string> line = isApphost ? [program] : [program, "exec", HelpersDll];
        if (role is not null)
        {
            line.Add(role);
        }

        return line;
    }

    /// <summary>Starts the child program in the role <paramref name="role"/> (none for a child).</summary>
    /// <exception cref="InvalidOperationException">The program could not be found or started.</exception>
    public static System.Diagnostics.Process Launch(string? role = null)
    {
        var line = CommandLine(role);
        var info = new ProcessStartInfo(line[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in line.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        if (OperatingSystem.IsWindows())
        {
            JoinJob();
        }

        var child = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"Could not start '{line[0]}'.");
        RuntimeFiles.Track(child);
        if (OperatingSystem.IsWindows())
        {
            TieToThisProcess(child);
        }

        return child;
    }

    /// <summary>The <c>dotnet</c> muxer children would start through if the apphost were not used; null if none is found.</summary>
    internal static string? Muxer => FindMuxer(out _);

    // The apphost beside Helpers.dll, if it was built.
    private static string? Apphost =>
        Path.Combine(Path.GetDirectoryName(HelpersDll)!, OperatingSystem.IsWindows() ? "Helpers.exe" : "Helpers") is var path && File.Exists(path) ? path : null;

    // The runtime this process runs on: <root>/shared/Microsoft.NETCore.App/<version>/ in an install,
    // the program's own directory when it is self-contained.
    private static string RuntimeDirectory => Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());

    private static bool IsSelfContained =>
        string.Equals(Path.GetFullPath(RuntimeDirectory), Path.TrimEndingDirectorySeparator(Path.GetFullPath(AppContext.BaseDirectory)), PathComparison);

    private static string InstallRoot => Path.GetFullPath(Path.Combine(RuntimeDirectory, "..", "..", ".."));

    private static StringComparison PathComparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string MuxerName => OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    private static (string Program, bool IsApphost) FindHost()
    {
        var apphost = Apphost;
        if (IsSelfContained)
        {
            return (apphost ?? throw new InvalidOperationException(
                $"This program is self-contained, so its children start through the helpers' apphost, and none is beside {HelpersDll}. " +
                "Publish with the apphost (UseAppHost is true by default; Helpers.exe on Windows, Helpers elsewhere)."), true);
        }

        if (apphost is not null && ApphostFinds(InstallRoot))
        {
            return (apphost, true);
        }

        return (FindMuxer(out var looked) ?? throw NotFound(looked), false);
    }

    // Where the .NET host of an apphost looks for a runtime, in its order: does it find this one?
    private static bool ApphostFinds(string root)
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToUpperInvariant();
        var found = Environment.GetEnvironmentVariable($"DOTNET_ROOT_{arch}") is { Length: > 0 } byArch ? byArch
            : Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } any ? any
            : RegisteredInstall() ?? DefaultInstall();
        return found is not null && string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(found)), root, PathComparison);
    }

    // The install location that an installer registered: /etc/dotnet/install_location_<arch>, then
    // /etc/dotnet/install_location (Linux, macOS); the registry on Windows (ChildHost.Windows.cs).
    private static string? RegisteredInstall()
    {
        if (OperatingSystem.IsWindows())
        {
            return RegisteredInstallWindows();
        }

        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        foreach (var file in (string[])[$"/etc/dotnet/install_location_{arch}", "/etc/dotnet/install_location"])
        {
            if (File.Exists(file) && File.ReadLines(file).FirstOrDefault()?.Trim() is { Length: > 0 } location)
            {
                return location;
            }
        }

        return null;
    }

    private static string? DefaultInstall() =>
        OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "dotnet")
        : OperatingSystem.IsMacOS() ? "/usr/local/share/dotnet"
        : "/usr/share/dotnet";

    // The muxer of this process's runtime first (the same runtime for certain), then the ones the SDK and the PATH name.
    private static string? FindMuxer(out List<string> looked)
    {
        looked = [];
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == MuxerName)
        {
            return self;
        }

        string?[] candidates =
        [
            Path.Combine(InstallRoot, MuxerName),
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, MuxerName)),
        ];
        foreach (var candidate in candidates)
        {
            if (candidate is { Length: > 0 })
            {
                looked.Add(candidate);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static InvalidOperationException NotFound(List<string> looked) => new(
        $"A child process cannot start: no apphost beside {HelpersDll} runs this runtime ({RuntimeDirectory}), and no {MuxerName} was found. " +
        $"Looked for: {string.Join(", ", looked)}. Build the helpers with their apphost (the default), or set DOTNET_ROOT to the .NET install that runs this program.");
}
