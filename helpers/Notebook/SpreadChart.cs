using Helpers.Measure;
using XPlot.Plotly;

namespace Helpers.Notebook;

/// <summary>Repeated measurements against an input, as a chart of their medians with the range of each as an error bar.</summary>
public static class SpreadChart
{
    /// <summary>A line of medians with min–max bars, one per measured input.</summary>
    /// <param name="measured">Each input (the x value) with the spread of its measurements (see <see cref="Trials.Interleaved"/>).</param>
    /// <param name="name">The line's name, for the legend.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    public static PlotlyChart ToChart(this IEnumerable<(double X, Spread Y)> measured, string name, string title, string xTitle, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var points = measured.ToList();
        var chart = Chart.Plot(new Scatter
        {
            x = points.Select(p => p.X).ToArray(),
            y = points.Select(p => p.Y.Median).ToArray(),
            error_y = new Error_y
            {
                type = "data",
                symmetric = false,
                array = points.Select(p => p.Y.Max - p.Y.Median).ToArray(),
                arrayminus = points.Select(p => p.Y.Median - p.Y.Min).ToArray(),
            },
            mode = "lines+markers",
            name = name,
        });
        chart.WithTitle(title);
        chart.WithXTitle(xTitle);
        chart.WithYTitle(yTitle);
        chart.WithLegend(true);
        return chart;
    }
}
