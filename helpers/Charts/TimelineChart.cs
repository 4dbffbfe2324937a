using System.Globalization;
using System.Text.Json.Nodes;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Helpers.Charts;

/// <summary>
/// A timeline (a Gantt chart): what each process or thread did, and when, as bars in lanes, one lane
/// a row, top to bottom in the order given; instants (a queue put, a kill) as marks. Drawn as every
/// <see cref="ChartBase"/> is: interactive where scripts run, a static image where they do not, and
/// by default its bars and marks as the table beside it.
/// </summary>
/// <remarks>
/// Each kind of bar has a colour and a legend entry, in the order kinds first appear; a kind whose
/// name says "wait" (or whose bars all wait) is light grey-blue, "lost" red. Bars overlap within a
/// lane: the kinds with the thickest bars are drawn first, so that a thinner bar nested in another
/// (a lock held, drawn at <see cref="TimelineBar.Height"/> 0.5, inside a task) lies on top.
/// </remarks>
public sealed class TimelineChart : ChartBase
{
    private const string XTitle = "ms since the timeline started";
    private const string WaitColor = "#9fb3c8", Red = "#d62728";
    private const double WaitOpacity = 0.6;

    // The palette without its red, which marks what was lost or cut short.
    private static readonly string[] KindColors = [.. Palette.Where(c => c != Red), "#bcbd22"];
    private static readonly (string Plotly, MarkerType Oxy)[] MarkShapes =
        [("diamond", MarkerType.Diamond), ("triangle-up", MarkerType.Triangle), ("square", MarkerType.Square), ("x", MarkerType.Cross), ("star", MarkerType.Star), ("cross", MarkerType.Plus)];

    private readonly IReadOnlyList<string> barKinds, markKinds;
    private readonly Dictionary<string, string> colors = new(StringComparer.Ordinal);

    /// <summary>Creates the chart, with its bars and marks as its table.</summary>
    /// <param name="title">The title.</param>
    /// <param name="lanes">The lanes (processes, threads), top to bottom; no two alike.</param>
    /// <param name="bars">The spans of time; each in one of <paramref name="lanes"/>.</param>
    /// <param name="marks">The instants, if any; each in one of <paramref name="lanes"/>.</param>
    /// <exception cref="ArgumentException">A bar or mark names a lane not in <paramref name="lanes"/>, ends before it starts, or is not a finite time.</exception>
    public TimelineChart(string title, IReadOnlyList<string> lanes, IEnumerable<TimelineBar> bars, IEnumerable<TimelineMark>? marks = null)
        : base(title ?? throw new ArgumentNullException(nameof(title)))
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentNullException.ThrowIfNull(bars);
        Lanes = [.. lanes];
        Bars = [.. bars];
        Marks = [.. marks ?? []];
        Validate();

        barKinds = [.. Bars.Select(b => b.Kind).Distinct(StringComparer.Ordinal)];
        markKinds = [.. Marks.Select(m => m.Kind).Distinct(StringComparer.Ordinal)];
        var next = 0;
        foreach (var kind in barKinds.Concat(markKinds).Distinct(StringComparer.Ordinal))
        {
            colors[kind] = FixedColor(kind) ?? (Bars.Any(b => b.Kind == kind) && Bars.Where(b => b.Kind == kind).All(b => b.Wait) ? WaitColor : KindColors[next++ % KindColors.Length]);
        }

        WithTable(["lane", "kind", "what", "start ms", "ms"], DefaultRows());
    }

    /// <summary>The lanes, top to bottom.</summary>
    public IReadOnlyList<string> Lanes { get; }

    /// <summary>The bars, as given.</summary>
    public IReadOnlyList<TimelineBar> Bars { get; }

    /// <summary>The marks, as given.</summary>
    public IReadOnlyList<TimelineMark> Marks { get; }

    /// <summary>Replaces the table of figures shown beside the chart (by default, its bars and marks).</summary>
    /// <param name="columns">The column headings.</param>
    /// <param name="values">The rows, each with a cell per column.</param>
    /// <returns>This chart.</returns>
    public new TimelineChart WithTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> values)
    {
        base.WithTable(columns, values);
        return this;
    }

    /// <summary>Grows with the lanes, so that each keeps about 34 pixels, and with the legend, so that it needs no scrolling.</summary>
    internal override int Height => Math.Max(260, 120 + Math.Max(34 * Lanes.Count, 24 * LegendNames.Count));

    /// <summary>The kinds of bars, then the kinds of marks that are not also kinds of bars, in the order they first appear.</summary>
    internal override IReadOnlyList<string> LegendNames => [.. barKinds.Concat(markKinds).Distinct(StringComparer.Ordinal)];

    private bool Empty => Bars.Count == 0 && Marks.Count == 0;

    /// <summary>Says so when there is nothing to draw, rather than showing bare axes.</summary>
    private protected override string Caption => Empty ? $"{Title} (nothing was recorded)" : Title;

    /// <summary>
    /// The time both renderings show: from the first bar or mark to the last, with 2 % of room on each
    /// side so that a mark at either end is whole (a chart of part of a timeline shows that part, not
    /// the time before it); 0 to 1 when there are none.
    /// </summary>
    internal (double Min, double Max) XRange()
    {
        if (Empty)
        {
            return (0, 1);
        }

        var times = Bars.SelectMany(b => new[] { b.Start, b.End }).Concat(Marks.Select(m => m.At)).ToList();
        var (low, high) = (times.Min(), times.Max());
        var room = high > low ? 0.02 * (high - low) : 0.5;
        return (low - room, high + room);
    }

    /// <inheritdoc/>
    public override string ToSvg()
    {
        var model = new PlotModel { Title = Caption, DefaultFont = "Arial", Background = OxyColors.White, Culture = CultureInfo.InvariantCulture };
        var (xMin, xMax) = XRange();
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom,
            Title = XTitle,
            Minimum = xMin,
            Maximum = xMax,
            StringFormat = OxyNumber,
            MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = OxyColor.FromRgb(235, 235, 235),
        });

        // Lanes at 0, 1, 2…, the first at the top (the axis reversed), each labelled with its name.
        var lanes = Math.Max(Lanes.Count, 1);
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left,
            StartPosition = 1,
            EndPosition = 0,
            Minimum = -0.5,
            Maximum = lanes - 0.5,
            MajorStep = 1,
            MinorStep = 1,
            MinorTickSize = 0,
            MajorGridlineStyle = LineStyle.Solid,
            MajorGridlineColor = OxyColor.FromRgb(235, 235, 235),
            LabelFormatter = LaneName,
            IsZoomEnabled = false,
        });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightTop, LegendPlacement = LegendPlacement.Outside });

        // Room for the lane names, set rather than left to OxyPlot: it measures Arial, and a viewer
        // without Arial draws a wider font, which cut long names at the image's left edge.
        var measurer = new SvgTextMeasurer();
        var names = Lanes.Select(l => measurer.MeasureText(l, model.DefaultFont, model.DefaultFontSize, FontWeights.Normal).Width).DefaultIfEmpty(0).Max();
        model.PlotMargins = new OxyThickness((names * 1.25) + 16, double.NaN, double.NaN, double.NaN);

        // OxyPlot's legend follows the series' order, and so does its drawing: empty series give the
        // legend its order (the kinds as they first appear), the titleless ones after them the drawing's.
        foreach (var kind in LegendNames)
        {
            model.Series.Add(barKinds.Contains(kind)
                ? new RectangleBarSeries { Title = kind, FillColor = Oxy(kind), StrokeThickness = 0 }
                : new ScatterSeries { Title = kind, MarkerType = MarkShape(kind).Oxy, MarkerFill = Oxy(kind), MarkerSize = 5 });
        }

        // A bar narrower than about a pixel still shows: OxyPlot would draw it as nothing.
        var thinnest = (xMax - xMin) / 600;
        foreach (var kind in DrawingOrder())
        {
            foreach (var cut in new[] { false, true })
            {
                var series = new RectangleBarSeries { FillColor = Oxy(kind), StrokeColor = cut ? OxyColor.Parse(Red) : OxyColors.Undefined, StrokeThickness = cut ? 2 : 0 };
                foreach (var bar in Bars.Where(b => b.Kind == kind && b.Cut == cut))
                {
                    var lane = Lane(bar.Lane);
                    var half = bar.Thickness / 2;
                    series.Items.Add(new RectangleBarItem(bar.Start, lane - half, Math.Max(bar.End, bar.Start + thinnest), lane + half)
                    {
                        Color = bar.Wait ? OxyColor.FromAColor((byte)(255 * WaitOpacity), Oxy(kind)) : OxyColors.Automatic,
                    });
                }

                if (series.Items.Count > 0)
                {
                    model.Series.Add(series);
                }
            }
        }

        foreach (var kind in markKinds)
        {
            var series = new ScatterSeries { MarkerType = MarkShape(kind).Oxy, MarkerFill = Oxy(kind), MarkerStroke = OxyColors.White, MarkerStrokeThickness = 1, MarkerSize = 5 };
            series.Points.AddRange(Marks.Where(m => m.Kind == kind).Select(m => new ScatterPoint(m.At, Lane(m.Lane))));
            model.Series.Add(series);
        }

        var svg = SvgExporter.ExportToString(model, Width, Height, isDocument: false, measurer);
        return svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
    }

    /// <inheritdoc/>
    internal override string PlotlyData()
    {
        var legend = LegendNames;
        var traces = new JsonArray();
        foreach (var kind in DrawingOrder())
        {
            var bars = Bars.Where(b => b.Kind == kind).ToList();
            var color = colors[kind];
            traces.Add(new JsonObject
            {
                ["type"] = "bar",
                ["orientation"] = "h",
                ["name"] = kind,
                ["legendgroup"] = kind,

                // Drawn thickest first, listed in the legend as the kinds first appeared.
                ["legendrank"] = IndexOf(legend, kind),
                ["showlegend"] = true,
                ["base"] = Numbers(bars.Select(b => b.Start)),
                ["x"] = Numbers(bars.Select(b => b.End - b.Start)),
                ["y"] = Strings(bars.Select(b => b.Lane)),
                ["width"] = Numbers(bars.Select(b => b.Thickness)),
                ["hovertext"] = Strings(bars.Select(b => HoverText(b.Hover, $"{b.Kind}{(b.Cut ? " (cut short)" : "")} in {b.Lane}: {Ms(b.Start)}–{Ms(b.End)} ms ({Ms(b.End - b.Start)} ms)"))),
                ["hoverinfo"] = "text",
                ["marker"] = new JsonObject
                {
                    ["color"] = color,
                    ["opacity"] = Numbers(bars.Select(b => b.Wait ? WaitOpacity : 1)),

                    // Hatched over the kind's colour: plotly's default draws the hatching alone, which reads as empty.
                    ["pattern"] = new JsonObject { ["shape"] = Strings(bars.Select(b => b.Wait ? "/" : "")), ["fillmode"] = "overlay", ["fgcolor"] = "white" },
                    ["line"] = new JsonObject
                    {
                        ["color"] = Strings(bars.Select(b => b.Cut ? Red : color)),
                        ["width"] = Numbers(bars.Select(b => b.Cut ? 2.0 : 0)),
                    },
                },
            });
        }

        foreach (var kind in markKinds)
        {
            var marks = Marks.Where(m => m.Kind == kind).ToList();
            traces.Add(new JsonObject
            {
                ["type"] = "scatter",
                ["mode"] = "markers",
                ["name"] = kind,
                ["legendgroup"] = kind,
                ["legendrank"] = IndexOf(legend, kind),

                // A kind of mark that is also a kind of bar shares its legend entry.
                ["showlegend"] = !barKinds.Contains(kind),
                ["x"] = Numbers(marks.Select(m => m.At)),
                ["y"] = Strings(marks.Select(m => m.Lane)),
                ["hovertext"] = Strings(marks.Select(m => HoverText(m.Hover, $"{m.Kind} in {m.Lane} at {Ms(m.At)} ms"))),
                ["hoverinfo"] = "text",
                ["marker"] = new JsonObject
                {
                    ["symbol"] = MarkShape(kind).Plotly,
                    ["size"] = 11,
                    ["color"] = colors[kind],
                    ["line"] = new JsonObject { ["color"] = "white", ["width"] = 1 },
                },
            });
        }

        return traces.ToJsonString();
    }

    /// <inheritdoc/>
    internal override string PlotlyLayout()
    {
        var (xMin, xMax) = XRange();
        return new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = Caption },
            ["height"] = Height,
            ["barmode"] = "overlay",
            ["showlegend"] = true,

            // Each kind is a legend group (its marks join its bar's entry): no gap between groups.
            ["legend"] = new JsonObject { ["tracegroupgap"] = 0 },
            ["hovermode"] = "closest",

            // plotly's default margins (100 px above, 80 below) would leave a timeline of few lanes a sliver.
            ["margin"] = new JsonObject { ["t"] = 60, ["b"] = 60 },
            ["xaxis"] = new JsonObject
            {
                ["title"] = new JsonObject { ["text"] = XTitle },
                ["range"] = new JsonArray(JsonValue.Create(xMin), JsonValue.Create(xMax)),
                ["tickformat"] = PlotlyNumber,
                ["zeroline"] = false,
            },
            ["yaxis"] = new JsonObject
            {
                ["type"] = "category",
                ["categoryorder"] = "array",
                ["categoryarray"] = Strings(Lanes),
                ["autorange"] = "reversed",

                // Room for long lane names, which plotly would otherwise cut at the left edge.
                ["automargin"] = true,
            },
        }.ToJsonString();
    }

    private void Validate()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lane in Lanes)
        {
            if (lane is null || !known.Add(lane))
            {
                throw new ArgumentException(lane is null ? "A lane is null." : $"The lane \"{lane}\" is given twice: each lane is a row of its own.", "lanes");
            }
        }

        void CheckLane(string lane, string what)
        {
            if (lane is null || !known.Contains(lane))
            {
                var list = Lanes.Count == 0 ? "there are none" : "they are " + string.Join(", ", Lanes.Select(l => $"\"{l}\""));
                throw new ArgumentException($"{what} is in the lane \"{lane}\", which is not one of the chart's lanes: {list}.");
            }
        }

        foreach (var bar in Bars)
        {
            if (bar is null || bar.Kind is null)
            {
                throw new ArgumentException("A bar, or its kind, is null.", "bars");
            }

            CheckLane(bar.Lane, $"The bar \"{bar.Hover}\"");
            if (!double.IsFinite(bar.Start) || !double.IsFinite(bar.End) || bar.End < bar.Start)
            {
                throw new ArgumentException($"The bar \"{bar.Hover}\" in \"{bar.Lane}\" runs from {Ms(bar.Start)} to {Ms(bar.End)} ms: it must end at or after its start, both finite.", "bars");
            }

            if (bar.Height is { } height && !(height > 0 && height <= 1))
            {
                throw new ArgumentException($"The bar \"{bar.Hover}\" in \"{bar.Lane}\" has the height {height}: a share of its lane, above 0 and at most 1.", "bars");
            }
        }

        foreach (var mark in Marks)
        {
            if (mark is null || mark.Kind is null)
            {
                throw new ArgumentException("A mark, or its kind, is null.", "marks");
            }

            CheckLane(mark.Lane, $"The mark \"{mark.Hover}\"");
            if (!double.IsFinite(mark.At))
            {
                throw new ArgumentException($"The mark \"{mark.Hover}\" in \"{mark.Lane}\" is at {mark.At} ms: it must be a finite time.", "marks");
            }
        }
    }

    /// <summary>The bars, then the marks, by their start (ties in the order given): the table as it happened.</summary>
    private IEnumerable<IReadOnlyList<string>> DefaultRows() =>
        Bars.Select(b => (b.Start, Row: (IReadOnlyList<string>)[b.Lane, b.Cut ? $"{b.Kind} (cut short)" : b.Kind, b.Hover ?? "", Ms(b.Start), Ms(b.End - b.Start)]))
            .Concat(Marks.Select(m => (Start: m.At, Row: (IReadOnlyList<string>)[m.Lane, m.Kind, m.Hover ?? "", Ms(m.At), ""])))
            .OrderBy(r => r.Start)
            .Select(r => r.Row);

    /// <summary>The kinds of bars, thickest first (ties as they first appear), so that later ones, thinner, lie on top.</summary>
    private IEnumerable<string> DrawingOrder() =>
        barKinds.OrderByDescending(kind => Bars.Where(b => b.Kind == kind).Max(b => b.Thickness));

    private static string? FixedColor(string kind) =>
        kind.Equals("lost", StringComparison.OrdinalIgnoreCase) || kind.Equals("kill", StringComparison.OrdinalIgnoreCase) ? Red
        : kind.Contains("wait", StringComparison.OrdinalIgnoreCase) ? WaitColor
        : null;

    private OxyColor Oxy(string kind) => OxyColor.Parse(colors[kind]);

    private (string Plotly, MarkerType Oxy) MarkShape(string kind) => MarkShapes[IndexOf(markKinds, kind) % MarkShapes.Length];

    private int Lane(string name) => IndexOf(Lanes, name);

    private string LaneName(double position)
    {
        var index = (int)Math.Round(position);
        return Math.Abs(position - index) < 1e-9 && index >= 0 && index < Lanes.Count ? Lanes[index] : "";
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The caller's words first, then where and when; escaped, since plotly reads hover text as HTML.</summary>
    private static string HoverText(string? hover, string detail)
    {
        static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        return string.IsNullOrEmpty(hover) ? Escape(detail) : $"{Escape(hover)}<br>{Escape(detail)}";
    }

    private static string Ms(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);

    private static JsonArray Numbers(IEnumerable<double> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
}
