using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Helpers.Charts;

/// <summary>
/// What every chart of the helpers shares, whatever it draws: plotly.js draws it interactively
/// where the page runs scripts (Jupyter, JupyterLab, VS Code, an HTML export), from the project's
/// own copy of plotly.js (<see cref="PlotlyScript"/>), with no request to any host; where scripts
/// do not run (GitHub, an export with scripts blocked, a PDF), a static SVG image made in-process
/// by OxyPlot from the same data stands in its place; and its figures are beside it as a table.
/// </summary>
/// <remarks>
/// One output carries all three: <c>text/html</c> (the image, replaced by the interactive chart
/// when the script runs, and the table), <c>image/svg+xml</c> (for renderers that take no HTML,
/// such as nbconvert's PDF) and <c>text/plain</c> (the table). The page's markup is a contract
/// the rendered-notebook tests rely on: a box whose id starts <c>helpers-figure-</c>, holding an
/// <c>img</c> whose <c>data-series</c> lists, as JSON, the names the SVG's legend shows.
/// Not named <c>Chart</c>: the notebooks import this namespace, and a cell that also imports
/// XPlot.Plotly would find its <c>Chart.Plot</c> ambiguous.
/// </remarks>
public abstract class ChartBase
{
    /// <summary>A palette as plotly's and matplotlib's default, so that charts look alike.</summary>
    private protected static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    // Tick labels as plain numbers with thousands separators, in both renderings: OxyPlot's default
    // ("g6") writes a million as 1e+06, plotly's as 1M. Six decimals at most hide the floating-point
    // noise of steps such as 0.1; plotly's 12 significant digits do the same, and its hover labels,
    // which follow the tick format, keep a measured value's digits.
    private protected const string OxyNumber = "#,0.######", PlotlyNumber = ",.12~r";

    private readonly string id = "helpers-figure-" + Guid.NewGuid().ToString("N");
    private IReadOnlyList<string> header = [];
    private IReadOnlyList<IReadOnlyList<string>> rows = [];

    /// <summary>Only the helpers' own charts derive from it: the page's markup is theirs to keep.</summary>
    private protected ChartBase(string title) => Title = title;

    /// <summary>The title.</summary>
    public string Title { get; }

    /// <summary>The width of both renderings, in pixels.</summary>
    internal virtual int Width => 900;

    /// <summary>The height of both renderings, in pixels.</summary>
    internal virtual int Height => 500;

    /// <summary>The names the legend shows, in its order: the image's alt text and <c>data-series</c>.</summary>
    internal abstract IReadOnlyList<string> LegendNames { get; }

    /// <summary>The heading of the text form; a chart with nothing to show may say so there.</summary>
    private protected virtual string Caption => Title;

    /// <summary>Sets the table of figures shown beside the chart.</summary>
    /// <param name="columns">The column headings.</param>
    /// <param name="values">The rows, each with a cell per column.</param>
    /// <returns>This chart.</returns>
    public ChartBase WithTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> values)
    {
        header = columns;
        rows = [.. values];
        return this;
    }

    /// <summary>The chart as an SVG image (no XML declaration), drawn by OxyPlot.</summary>
    public abstract string ToSvg();

    /// <summary>plotly's traces, as JSON.</summary>
    internal abstract string PlotlyData();

    /// <summary>plotly's layout, as JSON: the same ranges and labels as the static image.</summary>
    internal abstract string PlotlyLayout();

    /// <summary>The chart for a page: its static image, replaced by the interactive chart where scripts run; then the table.</summary>
    public string ToHtml() => Html(PlotlyScript.InjectOnce());

    /// <summary>
    /// The chart as a page of its own, with plotly.js inlined (3.6 MB), so that it opens in any
    /// browser, offline: what a lesson run as a program writes for each chart.
    /// </summary>
    public string ToPage() => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(Title)}}</title></head>
        <body style="font-family:sans-serif">
        {{Html(PlotlyScript.Script())}}
        </body>
        </html>
        """;

    private string Html(string script)
    {
        var names = LegendNames;
        var alt = WebUtility.HtmlEncode($"{Caption}: {string.Join(", ", names)}");
        var series = WebUtility.HtmlEncode(new JsonArray([.. names.Select(n => (JsonNode)n)]).ToJsonString());
        var image = Convert.ToBase64String(Encoding.UTF8.GetBytes(ToSvg()));
        return $$"""
            {{script}}
            <div id="{{id}}" style="width:{{Width}}px;max-width:100%"><img alt="{{alt}}" data-series="{{series}}" width="{{Width}}" height="{{Height}}" style="max-width:100%;height:auto" src="data:image/svg+xml;base64,{{image}}"/></div>
            <script type="text/javascript">
            (function () {
                var draw = function () {
                    var box = document.getElementById('{{id}}');
                    if (!box || !window.Plotly) return;
                    box.innerHTML = '';
                    window.Plotly.newPlot(box, {{PlotlyData()}}, {{PlotlyLayout()}}, { responsive: true });
                };
                if (window.Plotly) draw(); else window.addEventListener('{{PlotlyScript.ReadyEvent}}', draw, { once: true });
            })();
            </script>
            {{TableHtml()}}
            """;
    }

    /// <summary>The title and the table of figures, as text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Caption).AppendLine();
        if (header.Count == 0)
        {
            return text.ToString();
        }

        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd();
        text.AppendLine(Line(header));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row));
        }

        return text.ToString();
    }

    private string TableHtml()
    {
        if (header.Count == 0)
        {
            return "";
        }

        static string Cells(IEnumerable<string> cells, string tag) => string.Concat(cells.Select(c => $"<{tag}>{WebUtility.HtmlEncode(c)}</{tag}>"));
        var body = string.Concat(rows.Select(r => $"<tr>{Cells(r, "td")}</tr>"));
        return $"<details{(rows.Count <= 8 ? " open" : "")}><summary>The figures of this chart ({rows.Count} rows)</summary><table><thead><tr>{Cells(header, "th")}</tr></thead><tbody>{body}</tbody></table></details>";
    }
}
