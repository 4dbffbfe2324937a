using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// What a reader sees of an executed notebook's charts: nbconvert's HTML export opened in headless
/// Chromium with every network request blocked (a classroom offline), where each chart must draw
/// with its traces and no request may be made; and with JavaScript off (GitHub, a PDF), where each
/// chart's static image must be there with its series' names in it.
/// </summary>
internal static partial class Rendered
{
    private const string Figures = "[...document.querySelectorAll('[id^=helpers-figure-]')]";

    public static async Task CheckChartsAsync(string executed, JsonArray cells)
    {
        var expected = cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).Count(o => o!["data"]?["image/svg+xml"] is not null);
        if (expected == 0)
        {
            return;
        }

        var html = Path.ChangeExtension(executed, ".html");
        await ExportAsync(executed, html);
        await using var browser = await Chromium.StartAsync();

        var drawn = (await browser.OpenAsync(html, scripts: true,
            probe: $"{Figures}.map(d => ({{ id: d.id, traces: d.querySelectorAll('.main-svg .trace').length }}))",
            ready: $"document.readyState === 'complete' && {Figures}.length > 0 && {Figures}.every(d => d.querySelector('.main-svg .trace'))"))!.AsArray();
        Assert.True(expected == drawn.Count, $"{Path.GetFileName(executed)}: {expected} charts in the notebook, {drawn.Count} on the page opened offline with scripts: {drawn.ToJsonString()}");
        Assert.All(drawn, d => Assert.True((int)d!["traces"]! > 0, $"{Path.GetFileName(executed)}: chart {d["id"]} did not draw offline"));
        // nbconvert's page template itself may ask a CDN for RequireJS or MathJax: that is the export's, not the charts'.
        var requests = browser.Requests.Where(url => !TemplateAsset().IsMatch(url)).ToList();
        Assert.True(requests.Count == 0, $"{Path.GetFileName(executed)} asked the network for: {string.Join(", ", requests.Take(5))}");

        var images = (await browser.OpenAsync(html, scripts: false,
            probe: $$"""{{Figures}}.map(d => { const i = d.querySelector('img'); return i && { series: JSON.parse(i.dataset.series), visible: i.complete && i.naturalWidth > 0, svg: new TextDecoder().decode(Uint8Array.from(atob(i.src.split(',')[1]), c => c.charCodeAt(0))) }; })""",
            ready: $"document.readyState === 'complete' && {Figures}.every(d => {{ const i = d.querySelector('img'); return !i || i.complete; }})"))!.AsArray();
        Assert.True(expected == images.Count, $"{Path.GetFileName(executed)}: {expected} charts in the notebook, {images.Count} images on the page without scripts");
        Assert.All(images, image =>
        {
            Assert.NotNull(image);
            Assert.True((bool)image["visible"]!, $"{Path.GetFileName(executed)}: a chart's static image did not load without JavaScript");
            var svg = (string)image["svg"]!;
            Assert.All(image["series"]!.AsArray(), name => Assert.Contains($">{System.Net.WebUtility.HtmlEncode((string)name!)}<", svg, StringComparison.Ordinal));
        });
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"/(require(\.min)?\.js|MathJax\.js)(\?|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex TemplateAsset();

    private static async Task ExportAsync(string executed, string html)
    {
        var jupyter = OnPath(OperatingSystem.IsWindows() ? "jupyter.exe" : "jupyter")
            ?? throw new InvalidOperationException("No jupyter nbconvert: install Debian's jupyter-nbconvert (apt-get install jupyter-nbconvert), as .ci/run does, or pip install nbconvert.");
        var info = new ProcessStartInfo(jupyter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["nbconvert", "--to", "html", executed, "--output", html])
        {
            info.ArgumentList.Add(arg);
        }

        using var export = Process.Start(info)!;
        var error = export.StandardError.ReadToEndAsync();
        _ = export.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await export.WaitForExitAsync(timeout.Token);
        Assert.True(export.ExitCode == 0 && File.Exists(html), $"nbconvert could not export {executed}: {await error}");
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}
