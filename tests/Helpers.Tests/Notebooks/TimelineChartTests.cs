using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Helpers.Charts;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// A timeline's two renderings agree with its bars: lanes top to bottom in the order given, a
/// trace and a legend entry per kind, and the page markup the rendered-notebook check finds.
/// </summary>
public sealed class TimelineChartTests : IClassFixture<LeakCheck>
{
    private static readonly string[] Lanes = ["MainProcess", "worker-1 (pid 4242)", "worker-2 (pid 4243)"];

    private static TimelineChart Sample() => new(
        "Two workers and a lock",
        Lanes,
        [
            new TimelineBar(Lanes[1], "task", 0, 40, "square(3)"),
            new TimelineBar(Lanes[1], "lock held", 10, 20, "counter += 1") { Height = 0.5 },
            new TimelineBar(Lanes[2], "task", 2, 45.5, "square(4)"),
            new TimelineBar(Lanes[2], "lock wait", 11, 20, "waiting for the lock") { Wait = true },
            new TimelineBar(Lanes[2], "lock held", 20, 20.001, "counter += 1") { Height = 0.5 },
            new TimelineBar(Lanes[0], "lost", 30, 50, "killed") { Cut = true },
        ],
        [new TimelineMark(Lanes[0], "put", 1, "q.put(3)"), new TimelineMark(Lanes[1], "get", 5, "q.get()")]);

    [Fact]
    public void The_image_is_well_formed_svg_naming_every_lane_and_every_kind()
    {
        var chart = Sample();

        var texts = XDocument.Parse(chart.ToSvg()).Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value).ToList();

        Assert.All(Lanes, lane => Assert.Contains(lane, texts));
        Assert.Equal(["task", "lock held", "lock wait", "lost", "put", "get"], chart.LegendNames);
        Assert.All(chart.LegendNames, kind => Assert.Contains(kind, texts));
    }

    [Fact]
    public void Plotly_draws_a_bar_trace_per_kind_from_the_bars_starts_and_durations_thickest_first()
    {
        var chart = Sample();

        var traces = JsonNode.Parse(chart.PlotlyData())!.AsArray();
        var bars = traces.Where(t => (string)t!["type"]! == "bar").ToList();

        Assert.Equal(["task", "lost", "lock held", "lock wait"], bars.Select(t => (string)t!["name"]!));
        foreach (var trace in bars)
        {
            var kind = (string)trace!["name"]!;
            var expected = chart.Bars.Where(b => b.Kind == kind).ToList();
            Assert.Equal("h", (string)trace["orientation"]!);
            Assert.Equal(expected.Select(b => b.Start), trace["base"]!.AsArray().Select(v => (double)v!));
            Assert.Equal(expected.Select(b => b.End - b.Start), trace["x"]!.AsArray().Select(v => (double)v!));
            Assert.Equal(expected.Select(b => b.Lane), trace["y"]!.AsArray().Select(v => (string)v!));
        }

        var wait = bars.Single(t => (string)t!["name"]! == "lock wait")!;
        Assert.Equal(0.3, (double)wait["width"]![0]!);
        Assert.Equal("/", (string)wait["marker"]!["pattern"]!["shape"]![0]!);
        Assert.Equal(["put", "get"], traces.Where(t => (string)t!["type"]! == "scatter").Select(t => (string)t!["name"]!));
    }

    [Fact]
    public void The_lanes_are_categories_in_the_order_given_from_the_top()
    {
        var layout = JsonNode.Parse(Sample().PlotlyLayout())!;
        var yaxis = layout["yaxis"]!;

        Assert.Equal("category", (string)yaxis["type"]!);
        Assert.Equal("array", (string)yaxis["categoryorder"]!);
        Assert.Equal(Lanes, yaxis["categoryarray"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("reversed", (string)yaxis["autorange"]!);
        Assert.Equal("overlay", (string)layout["barmode"]!);
        Assert.True((int)layout["height"]! >= 260, $"height {layout["height"]}");
    }

    [Fact]
    public void A_bar_in_an_unknown_lane_or_ending_before_it_starts_is_refused_with_the_reason()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new TimelineChart("t", Lanes, [new TimelineBar("worker-9", "task", 0, 1, "f()")]));
        var backwards = Assert.Throws<ArgumentException>(() => new TimelineChart("t", Lanes, [new TimelineBar(Lanes[0], "task", 5, 1, "f()")]));

        Assert.Contains("\"worker-9\"", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(Lanes[1], unknown.Message, StringComparison.Ordinal);
        Assert.Contains("end", backwards.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new TimelineChart(null!, Lanes, []));
    }

    [Fact]
    public void Nothing_recorded_still_gives_a_chart_that_says_so()
    {
        var chart = new TimelineChart("Idle", ["a"], []);

        XDocument.Parse(chart.ToSvg());
        Assert.Contains("nothing was recorded", chart.ToSvg(), StringComparison.Ordinal);
        Assert.Contains("nothing was recorded", chart.ToString(), StringComparison.Ordinal);
        Assert.Contains("nothing was recorded", (string)JsonNode.Parse(chart.PlotlyLayout())!["title"]!["text"]!, StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(chart.PlotlyData())!.AsArray());
    }

    [Fact]
    public void A_timeline_grows_with_its_lanes_and_lists_its_bars_as_its_figures()
    {
        var lanes = Enumerable.Range(1, 10).Select(i => $"worker-{i}").ToList();
        var chart = new TimelineChart("Ten", lanes, lanes.Select((l, i) => new TimelineBar(l, "task", i, i + 0.25, $"job {i}")));

        Assert.Equal(120 + (34 * 10), chart.Height);
        var text = chart.ToString();
        Assert.Contains("lane", text, StringComparison.Ordinal);
        Assert.Contains("0.25", text, StringComparison.Ordinal);
        Assert.Contains("job 9", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_kinds_of_chart_share_the_markup_the_rendered_notebook_check_finds()
    {
        var figure = new Figure("Speedup", "workers", "speedup");
        figure.Series.Add(new FigureSeries("pool", [1, 2], [1, 1.9]));

        foreach (var (chart, names) in new (ChartBase, string[])[] { (figure, ["pool"]), (Sample(), ["task", "lock held", "lock wait", "lost", "put", "get"]) })
        {
            var html = chart.ToHtml();
            Assert.Matches("<div id=\"helpers-figure-[0-9a-f]{32}\"", html);
            var series = System.Text.RegularExpressions.Regex.Match(html, "<img alt=\"[^\"]*\" data-series=\"([^\"]*)\"").Groups[1].Value;
            Assert.Equal(names, JsonNode.Parse(WebUtility.HtmlDecode(series))!.AsArray().Select(n => (string)n!));
            Assert.Contains("window.Plotly.newPlot", html, StringComparison.Ordinal);
        }
    }
}
