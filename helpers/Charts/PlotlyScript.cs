using System.Reflection;
using System.Runtime.Loader;

namespace Helpers.Charts;

/// <summary>
/// plotly.js from the project itself, never from a CDN, injected once per kernel as plotly.py's
/// offline mode does: the bundle ships inside the Plotly.NET package (see Helpers.csproj), which
/// the build copies to <c>bin/plotly/</c>; it is read from there as a resource, not loaded as code.
/// </summary>
/// <remarks>
/// The bundle runs with <c>define</c>, <c>module</c> and <c>exports</c> hidden, so its UMD header
/// sets <c>window.Plotly</c> whether or not the page has RequireJS (classic Jupyter does; plotly.py
/// redefines a RequireJS module instead, which JupyterLab lacks). It then fires
/// <see cref="ReadyEvent"/>, which charts shown before it arrived wait for.
/// </remarks>
internal static class PlotlyScript
{
    /// <summary>The window event fired once plotly.js is ready.</summary>
    public const string ReadyEvent = "helpers-plotly-ready";

    private static readonly Lazy<(string Version, string Source)> Bundle = new(Read);
    private static int injected;

    /// <summary>The plotly.js version the charts use.</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>The script that loads plotly.js, the first time it is asked for in this process; then empty.</summary>
    public static string InjectOnce() => Interlocked.Exchange(ref injected, 1) == 0 ? Script() : "";

    /// <summary>A script element that runs the bundle and announces it.</summary>
    public static string Script() =>
        "<script type=\"text/javascript\">/* plotly.js " + Version + " (MIT), from the project, for charts offline */\n"
        + "(function (define, module, exports) {\n"
        + Bundle.Value.Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)
        + "\n}).call(window, undefined, undefined, undefined);\n"
        + "window.dispatchEvent(new Event('" + ReadyEvent + "'));\n</script>";

    private static (string, string) Read()
    {
        var dll = Path.Combine(Path.GetDirectoryName(typeof(PlotlyScript).Assembly.Location)!, "plotly", "Plotly.NET.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"plotly.js is missing: {dll} is not there. Rebuild the helpers (dotnet build Helpers.csproj), which copies it from the Plotly.NET package.", dll);
        }

        // A context of its own, unloaded at once: nothing of Plotly.NET stays in the kernel.
        var context = new AssemblyLoadContext("plotly.js", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            var name = assembly.GetManifestResourceNames().Single(n => n.Contains("plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var version = name[(name.IndexOf("plotly-", StringComparison.Ordinal) + "plotly-".Length)..^".min.js".Length];
            return (version, reader.ReadToEnd());
        }
        finally
        {
            context.Unload();
        }
    }
}
