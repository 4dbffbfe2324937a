using System.Globalization;
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
/// A line chart: lines of points, each with optional error bars, drawn as every <see cref="ChartBase"/>
/// is (interactive where scripts run, a static image where they do not, its figures beside it).
/// </summary>
public sealed class Figure : ChartBase
{
    // How much room each axis leaves beyond the data (a share of its span): enough that no marker
    // or error bar meets the frame, which OxyPlot's default padding (1 %) does not leave.
    private const double Margin = 0.05;

    // Whole-number tick labels for a counted x (see ChartBase for the general number formats).
    private const string OxyWhole = "#,0", PlotlyWhole = ",d";
    private static readonly double[] NiceSteps = [1, 2, 5];

    /// <summary>Creates an empty chart.</summary>
    /// <param name="title">The title.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="logX">A logarithmic x axis (for sizes that grow tenfold).</param>
    public Figure(string title, string xTitle, string yTitle, bool logX = false)
        : base(title) => (XTitle, YTitle, LogX) = (xTitle, yTitle, logX);

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
    /// <param name="columns">The column headings.</param>
    /// <param name="values">The rows, each with a cell per column.</param>
    /// <remarks>Hides <see cref="ChartBase.WithTable"/> only to return a <see cref="Figure"/>, as it always has.</remarks>
    public new Figure WithTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> values)
    {
        base.WithTable(columns, values);
        return this;
    }

    /// <inheritdoc/>
    internal override IReadOnlyList<string> LegendNames => [.. Series.Select(s => s.Name)];

    /// <inheritdoc/>
    public override string ToSvg()
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

    private static string ColorOf(FigureSeries series, int index) => series.Color ?? Palette[index % Palette.Length];

    /// <inheritdoc/>
    internal override string PlotlyData() => new JsonArray([.. Series.Select((s, i) =>
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

    /// <inheritdoc/>
    internal override string PlotlyLayout()
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
