using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Helpers.Multiprocessing;

/// <summary>
/// How a child program starts: <c>dotnet exec Helpers.dll [role]</c>, with its standard streams
/// redirected (see <see cref="Wire"/> for what travels on them). Children, spares and the resource
/// tracker all start here.
/// </summary>
internal static class ChildHost
{
    /// <summary>The child program: this assembly.</summary>
    public static readonly string HelpersDll = typeof(ChildHost).Assembly.Location;

    /// <summary>The <c>dotnet</c> host that runs <see cref="HelpersDll"/>.</summary>
    public static readonly Lazy<string> Dotnet = new(FindDotnet);

    /// <summary>Starts the child program in the role <paramref name="role"/> (none for a child).</summary>
    /// <exception cref="InvalidOperationException">The host could not be started.</exception>
    public static System.Diagnostics.Process Launch(string? role = null)
    {
        var info = new ProcessStartInfo(Dotnet.Value)
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
        if (role is not null)
        {
            info.ArgumentList.Add(role);
        }

        return System.Diagnostics.Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start '{Dotnet.Value}'.");
    }

    // The host of this process if it is dotnet itself, else the one the SDK names, else the one
    // beside the shared runtime: <root>/shared/Microsoft.NETCore.App/<version>/ has the host in <root>.
    private static string FindDotnet()
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

        return Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", exe));
    }
}
