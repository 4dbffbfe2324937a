using Helpers.Charts;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Helpers.Notebook;

/// <summary>
/// Renders charts inline: the helpers' charts (any <see cref="ChartBase"/>, such as a
/// <see cref="Figure"/>: interactive, with a static image and its figures), and an XPlot.Plotly
/// chart written in a cell (interactive only). Both draw with the project's own plotly.js
/// (<see cref="PlotlyScript"/>), never a CDN. XPlot.Plotly.Interactive, the package that rendered
/// XPlot charts, was built for an older kernel and is not on the mirror.
/// </summary>
internal static class ChartFormatter
{
    /// <summary>Registers the formatters; a chart offers HTML, an SVG image and text in one output.</summary>
    /// <remarks>
    /// Registered once for <see cref="ChartBase"/>: .NET Interactive takes a formatter, and preferred
    /// mime types, registered for any type the value's type is assignable to, so every chart gets them.
    /// </remarks>
    public static void Register()
    {
        Formatter.Register<ChartBase>((chart, writer) => writer.Write(chart.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<ChartBase>((chart, writer) => writer.Write(chart.ToSvg()), "image/svg+xml");
        Formatter.Register<ChartBase>((chart, writer) => writer.Write(chart.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(ChartBase), HtmlFormatter.MimeType, "image/svg+xml", PlainTextFormatter.MimeType);
        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(ToHtml(chart)), HtmlFormatter.MimeType);
    }

    /// <summary>An XPlot chart as its div and a script that draws it once plotly.js is there.</summary>
    public static string ToHtml(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var html = chart.GetInlineHtml();
        var scriptAt = html.IndexOf("<script>", StringComparison.Ordinal);
        var div = html[..scriptAt];
        var draw = html[(scriptAt + "<script>".Length)..html.LastIndexOf("</script>", StringComparison.Ordinal)];
        return PlotlyScript.InjectOnce() + div + $$"""
            <script type="text/javascript">
            (function () {
                var draw = function () { {{draw}} };
                if (window.Plotly) draw(); else window.addEventListener('{{PlotlyScript.ReadyEvent}}', draw, { once: true });
            })();
            </script>
            """;
    }
}
