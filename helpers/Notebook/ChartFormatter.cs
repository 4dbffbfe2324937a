using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Helpers.Notebook;

/// <summary>
/// Renders an XPlot.Plotly chart inline. XPlot.Plotly.Interactive, the package that did this, was
/// built for an older kernel and is not on the package mirror. The chart's own inline HTML assumes
/// plotly.js is already loaded, so this wraps it in a loader that works where notebooks run:
/// classic Jupyter loads scripts through RequireJS, VS Code and JupyterLab through a script tag.
/// </summary>
internal static class ChartFormatter
{
    /// <summary>The plotly.js release the charts load: the last 2.x, which still takes XPlot's string titles.</summary>
    public const string PlotlyUrl = "https://cdn.plot.ly/plotly-2.35.2.min.js";

    /// <summary>Registers the HTML formatter for <see cref="PlotlyChart"/>.</summary>
    public static void Register() =>
        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(ToHtml(chart)), HtmlFormatter.MimeType);

    /// <summary>The chart as a div and a script that draws it once plotly.js is there.</summary>
    public static string ToHtml(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var html = chart.GetInlineHtml();
        var scriptAt = html.IndexOf("<script>", StringComparison.Ordinal);
        var div = html[..scriptAt];
        var draw = html[(scriptAt + "<script>".Length)..html.LastIndexOf("</script>", StringComparison.Ordinal)];
        return div + $$"""
            <script type="text/javascript">
            (function () {
                var draw = function () { {{draw}} };
                var url = '{{PlotlyUrl}}';
                if (typeof window.Plotly !== 'undefined') { draw(); return; }
                if (typeof window.requirejs === 'function') {
                    window.requirejs.config({ paths: { plotly: url.replace(/\.js$/, '') } });
                    window.requirejs(['plotly'], function (Plotly) { window.Plotly = Plotly; draw(); });
                    return;
                }
                var script = document.createElement('script');
                script.src = url;
                script.onload = draw;
                document.head.appendChild(script);
            })();
            </script>
            """;
    }
}
