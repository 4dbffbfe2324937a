using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Helpers.Charts;
using Helpers.Measure;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// A chart's two renderings, the static SVG (OxyPlot) and plotly's layout: worker counts ticked in
/// whole numbers, large numbers written out with separators, and error bars inside the frame.
/// </summary>
public sealed class FigureTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Worker_counts_1_2_and_4_get_whole_number_ticks_only_in_both_renderings()
    {
        var figure = new Figure("Speedup", "workers", "speedup") { IntegerX = true };
        figure.Series.Add(new FigureSeries("pool", [1, 2, 4], [1, 1.8, 3.1]));

        var ticks = XTickLabels(figure.ToSvg());
        var xaxis = Layout(figure)["xaxis"]!;

        AssertWholeAndDistinct(ticks);
        Assert.Contains("1", ticks);
        Assert.Contains("2", ticks);
        Assert.Contains("4", ticks);
        Assert.Equal(",d", xaxis["tickformat"]!.GetValue<string>());
        var step = xaxis["dtick"]!.GetValue<double>();
        Assert.True(step >= 1 && step == Math.Floor(step), $"plotly's dtick is {step}");
    }

    [Fact]
    public void A_speedup_chart_counts_its_workers_in_whole_numbers()
    {
        static SpeedupPoint Point(int workers, double speedup) =>
            new(workers, Spread.Of(2 / speedup, 2.1 / speedup, 2.2 / speedup), speedup, speedup * 0.9, speedup * 1.1);
        var curve = new SpeedupCurve("pool", [Point(1, 1), Point(2, 1.8), Point(4, 3.1)]);

        var chart = new[] { curve }.ToChart();

        Assert.True(chart.IntegerX);
        AssertWholeAndDistinct(XTickLabels(chart.ToSvg()));
    }

    [Fact]
    public void Counts_near_a_million_on_a_logarithmic_axis_are_written_out_with_separators_never_as_1e_06()
    {
        var sizes = new[] { 1_000, 10_000, 100_000, 1_000_000 };
        var measured = sizes.Select(n => ((double)n, Spread.Of(985_000 + (n / 100.0), 990_000 + (n / 100.0), 1_000_000 + (n / 100.0))));
        var figure = measured.ToChart("median of 3 runs", "Lost updates", "additions per process", "updates lost", logX: true);

        var texts = Elements(XDocument.Parse(figure.ToSvg()), "text").Select(t => t.Value).ToList();
        var layout = Layout(figure);

        Assert.DoesNotMatch(@"\d[eE][+-]?\d", string.Join("\n", texts));
        Assert.Contains("1,000,000", texts);
        Assert.StartsWith(",", layout["xaxis"]!["tickformat"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith(",", layout["yaxis"]!["tickformat"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Error_bars_beyond_the_highest_and_lowest_points_lie_inside_the_frame_with_room_to_spare()
    {
        // The bars reach 18 (above the highest point, 12) and 3 (below the lowest, 10).
        var figure = new Figure("Spread", "size", "time");
        figure.Series.Add(new FigureSeries("median", [1, 2, 3], [10, 12, 11]) { Below = [1, 1, 8], Above = [1, 6, 1], Color = "#d62728" });

        var (min, max) = figure.YRange();
        var range = Layout(figure)["yaxis"]!["range"]!.AsArray();
        Assert.True(min < 3 && max > 18, $"y range {min}–{max}");
        Assert.True(range[0]!.GetValue<double>() < 3 && range[1]!.GetValue<double>() > 18, $"plotly's y range {range.ToJsonString()}");

        // In the image: the frame is the plot area's black rectangle; the bars are the series'
        // colour drawn 1 px wide (its line is 2 px). SVG's y grows downwards.
        var svg = XDocument.Parse(figure.ToSvg());
        var frame = Assert.Single(Elements(svg, "rect"), r => Style(r).GetValueOrDefault("stroke") == "black");
        var top = Number(frame.Attribute("y")!.Value);
        var bottom = top + Number(frame.Attribute("height")!.Value);
        var bars = Elements(svg, "polyline")
            .Where(l => Style(l) is var s && s.GetValueOrDefault("stroke") == "rgb(214,39,40)" && s.GetValueOrDefault("stroke-width") == "1")
            .Select(l => l.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => Number(p.Split(',')[1])).ToList())
            .ToList();
        Assert.Equal(3, bars.Count);
        var room = 0.02 * (bottom - top);
        Assert.All(bars, bar => Assert.All(bar, y => Assert.InRange(y, top + room, bottom - room)));
    }

    private static JsonNode Layout(Figure figure) => JsonNode.Parse(figure.PlotlyLayout())!;

    private static IEnumerable<XElement> Elements(XDocument svg, string name) => svg.Descendants().Where(e => e.Name.LocalName == name);

    /// <summary>The x axis's tick labels: OxyPlot centres them under their ticks (the y axis's end at theirs); titles are words.</summary>
    private static List<string> XTickLabels(string svg) =>
    [
        .. Elements(XDocument.Parse(svg), "text")
            .Where(t => (string?)t.Attribute("text-anchor") == "middle" && double.TryParse(t.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            .Select(t => t.Value),
    ];

    /// <summary>Whole numbers, and no two alike: a 1.5 rounded to "2" by the label format would repeat a label.</summary>
    private static void AssertWholeAndDistinct(List<string> ticks)
    {
        Assert.True(ticks.Count >= 2, $"x tick labels: {string.Join(", ", ticks)}");
        Assert.All(ticks, t => Assert.Matches(@"^-?\d{1,3}(,\d{3})*$", t));
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
    }

    private static Dictionary<string, string> Style(XElement element) =>
        ((string?)element.Attribute("style") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
