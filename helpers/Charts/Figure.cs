using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Helpers.Charts;

/// <summary>One line of a <see cref="Figure"/>.</summary>
/// <param name="Name">Its name in the legend.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (for a measurement, the medians).</param>
public sealed record FigureSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>How far each point's range goes below it (min), for an error bar; none if null.</summary>
    public IReadOnlyList<double>? Below { get; init; }

    /// <summary>How far each point's range goes above it (max).</summary>
    public IReadOnlyList<double>? Above { get; init; }

    /// <summary>"solid", "dash" or "dot".</summary>
    public string Dash { get; init; } = "solid";

    /// <summary>Draw a marker at each point.</summary>
    public bool Markers { get; init; } = true;

    /// <summary>A colour as #rrggbb; a palette colour if null.</summary>
    public string? Color { get; init; }
}

/// <summary>
/// A chart as the notebooks show it, everywhere: plotly.js draws it interactively where the page
/// runs scripts (Jupyter, JupyterLab, VS Code, an HTML export), from the project's own copy of
/// plotly.js (<see cref="PlotlyScript"/>), with no request to any host; where scripts do not run
/// (GitHub, an export with scripts blocked, a PDF), a static SVG image made in-process by OxyPlot
/// from the same data stands in its place; and its figures are beside it as a table.
/// </summary>
/// <remarks>
/// One output carries all three: <c>text/html</c> (the image, replaced by the interactive chart
/// when the script runs, and the table), <c>image/svg+xml</c> (for renderers that take no HTML,
/// such as nbconvert's PDF) and <c>text/plain</c> (the table).
/// </remarks>
public sealed class Figure
{
    private const int Width = 900, Height = 500;

    // How much room each axis leaves beyond the data (a share of its span): enough that no marker
    // or error bar meets the frame, which OxyPlot's default padding (1 %) does not leave.
    private const double Margin = 0.05;

    // Tick labels as plain numbers with thousands separators, in both renderings: OxyPlot's default
    // ("g6") writes a million as 1e+06, plotly's as 1M. Six decimals at most hide the floating-point
    // noise of steps such as 0.1; plotly's 12 significant digits do the same, and its hover labels,
    // which follow the tick format, keep a measured value's digits.
    private const string OxyNumber = "#,0.######", OxyWhole = "#,0", PlotlyNumber = ",.12~r", PlotlyWhole = ",d";
    private static readonly double[] NiceSteps = [1, 2, 5];
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
    private readonly string id = "helpers-figure-" + Guid.NewGuid().ToString("N");
    private IReadOnlyList<string> header = [];
    private IReadOnlyList<IReadOnlyList<string>> rows = [];

    /// <summary>Creates an empty chart.</summary>
    /// <param name="title">The title.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="logX">A logarithmic x axis (for sizes that grow tenfold).</param>
    public Figure(string title, string xTitle, string yTitle, bool logX = false) => (Title, XTitle, YTitle, LogX) = (title, xTitle, yTitle, logX);

    /// <summary>The title.</summary>
    public string Title { get; }

    /// <summary>The x axis's title.</summary>
    public string XTitle { get; }

    /// <summary>The y axis's title.</summary>
    public string YTitle { get; }

    /// <summary>True for a logarithmic x axis.</summary>
    public bool LogX { get; }

    /// <summary>
    /// True when x counts whole things (workers, processes): ticks fall on whole numbers only and are
    /// labelled without decimals, so that a chart of 1, 2 and 4 workers shows no 1.5 workers.
    /// </summary>
    public bool IntegerX { get; init; }

    /// <summary>The lines, in legend order.</summary>
    public IList<FigureSeries> Series { get; } = [];

    /// <summary>Sets the table of figures shown beside the chart.</summary>
    /// <returns>This figure.</returns>
    public Figure WithTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> values)
    {
        header = columns;
        rows = [.. values];
        return this;
    }

    /// <summary>The chart as an SVG image (no XML declaration), drawn by OxyPlot.</summary>
    public string ToSvg()
    {
        // The invariant culture: the same separators as the tables beside the chart, on any machine.
        var model = new PlotModel { Title = Title, DefaultFont = "Arial", Background = OxyColors.White, Culture = CultureInfo.InvariantCulture };
        model.Axes.Add(OxyAxis(LogX ? new LogarithmicAxis() : new LinearAxis(), AxisPosition.Bottom, XTitle, XRange(), IntegerX));
        model.Axes.Add(OxyAxis(new LinearAxis(), AxisPosition.Left, YTitle, YRange(), whole: false));
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside });
        foreach (var (series, index) in Series.Select((s, i) => (s, i)))
        {
            var color = OxyColor.Parse(ColorOf(series, index));
            var line = new LineSeries
            {
                Title = series.Name,
                Color = color,
                LineStyle = series.Dash switch { "dash" => LineStyle.Dash, "dot" => LineStyle.Dot, _ => LineStyle.Solid },
                MarkerType = series.Markers ? MarkerType.Circle : MarkerType.None,
                MarkerFill = color,
                MarkerSize = 3.5,
            };
            line.Points.AddRange(series.X.Zip(series.Y, (x, y) => new DataPoint(x, y)));
            model.Series.Add(line);
            for (var i = 0; series.Below is { } below && series.Above is { } above && i < series.X.Count; i++)
            {
                // An error bar: a short vertical line from the smallest to the largest value, not in the legend.
                var bar = new LineSeries { Color = color, StrokeThickness = 1 };
                bar.Points.Add(new DataPoint(series.X[i], series.Y[i] - below[i]));
                bar.Points.Add(new DataPoint(series.X[i], series.Y[i] + above[i]));
                model.Series.Add(bar);
            }
        }

        var svg = SvgExporter.ExportToString(model, Width, Height, isDocument: false, new SvgTextMeasurer());
        return svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
    }

    /// <summary>
    /// The x range both renderings show: every point, with a margin on each side (on a logarithmic
    /// axis, a share of the span of the logarithms; values not above 0 cannot be shown there).
    /// </summary>
    internal (double Min, double Max) XRange() => Padded(Series.SelectMany(s => s.X), LogX);

    /// <summary>
    /// The y range both renderings show: every point and the whole of its error bar, with a margin,
    /// so that no bar meets or crosses the frame.
    /// </summary>
    internal (double Min, double Max) YRange() =>
        Padded(Series.SelectMany(s => s.Y.SelectMany((y, i) => new[] { y, y - BarPart(s.Below, i), y + BarPart(s.Above, i) })), log: false);

    private static double BarPart(IReadOnlyList<double>? bar, int index) => bar is not null && index < bar.Count ? bar[index] : 0;

    private static (double Min, double Max) Padded(IEnumerable<double> values, bool log)
    {
        var scaled = values.Where(v => double.IsFinite(v) && (!log || v > 0)).Select(v => log ? Math.Log10(v) : v).ToList();
        if (scaled.Count == 0)
        {
            return log ? (1, 10) : (0, 1);
        }

        var (low, high) = (scaled.Min(), scaled.Max());

        // A single value, or a flat line, still needs a range around it.
        var margin = high > low ? Margin * (high - low) : (log || high == 0 ? 0.5 : Math.Abs(high) * 0.1);
        return log ? (Math.Pow(10, low - margin), Math.Pow(10, high + margin)) : (low - margin, high + margin);
    }

    private static Axis OxyAxis(Axis axis, AxisPosition position, string title, (double Min, double Max) range, bool whole)
    {
        axis.Position = position;
        axis.Title = title;
        axis.MajorGridlineStyle = LineStyle.Solid;
        axis.MajorGridlineColor = OxyColor.FromRgb(235, 235, 235);

        // Set, not left to OxyPlot, whose range takes in the error bars' lines but with too little room.
        (axis.Minimum, axis.Maximum) = range;
        axis.StringFormat = whole ? OxyWhole : OxyNumber;
        if (whole)
        {
            // OxyPlot's steps are 1, 2 or 5 times a power of ten: at least 1, they fall on whole numbers.
            axis.MinimumMajorStep = 1;
            axis.MinimumMinorStep = 1;
        }

        return axis;
    }

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
        var alt = WebUtility.HtmlEncode($"{Title}: {string.Join(", ", Series.Select(s => s.Name))}");
        var series = WebUtility.HtmlEncode(new JsonArray([.. Series.Select(s => (JsonNode)s.Name)]).ToJsonString());
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
        var text = new StringBuilder(Title).AppendLine();
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

    private static string ColorOf(FigureSeries series, int index) => series.Color ?? Palette[index % Palette.Length];

    private string PlotlyData() => new JsonArray([.. Series.Select((s, i) =>
    {
        var color = ColorOf(s, i);
        var trace = new JsonObject
        {
            ["type"] = "scatter",
            ["name"] = s.Name,
            ["x"] = new JsonArray([.. s.X.Select(x => JsonValue.Create(x))]),
            ["y"] = new JsonArray([.. s.Y.Select(y => JsonValue.Create(y))]),
            ["mode"] = s.Markers ? "lines+markers" : "lines",
            ["line"] = new JsonObject { ["dash"] = s.Dash, ["color"] = color },
            ["marker"] = new JsonObject { ["color"] = color },
        };
        if (s.Below is { } below && s.Above is { } above)
        {
            trace["error_y"] = new JsonObject
            {
                ["type"] = "data",
                ["symmetric"] = false,
                ["array"] = new JsonArray([.. above.Select(a => JsonValue.Create(a))]),
                ["arrayminus"] = new JsonArray([.. below.Select(b => JsonValue.Create(b))]),
            };
        }

        return (JsonNode)trace;
    })]).ToJsonString();

    /// <summary>plotly's layout: the axes with the same ranges and tick labels as the static image.</summary>
    internal string PlotlyLayout()
    {
        var (xMin, xMax) = XRange();
        var (yMin, yMax) = YRange();
        var xaxis = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = XTitle },
            ["type"] = LogX ? "log" : "linear",

            // plotly takes a logarithmic axis's range as powers of ten.
            ["range"] = LogX ? JsonRange(Math.Log10(xMin), Math.Log10(xMax)) : JsonRange(xMin, xMax),
            ["tickformat"] = IntegerX ? PlotlyWhole : PlotlyNumber,
        };
        if (IntegerX && !LogX)
        {
            // With tick0 and dtick, plotly's ticks are tick0 + k × dtick: whole numbers, about ten at most.
            xaxis["tick0"] = 0;
            xaxis["dtick"] = WholeStep(xMax - xMin);
        }

        return new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = Title },
            ["xaxis"] = xaxis,
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = YTitle }, ["range"] = JsonRange(yMin, yMax), ["tickformat"] = PlotlyNumber },
            ["height"] = Height,
        }.ToJsonString();
    }

    private static JsonArray JsonRange(double min, double max) => new(JsonValue.Create(min), JsonValue.Create(max));

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50… that cuts <paramref name="span"/> into at most ten steps.</summary>
    private static double WholeStep(double span)
    {
        for (var power = 1.0; power < 1e15; power *= 10)
        {
            foreach (var nice in NiceSteps)
            {
                if (span <= 10 * nice * power)
                {
                    return nice * power;
                }
            }
        }

        return 1e15;
    }
}
