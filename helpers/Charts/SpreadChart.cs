using System.Globalization;
using Helpers.Measure;

namespace Helpers.Charts;

/// <summary>Repeated measurements against an input, as a chart of their medians with the range of each as an error bar.</summary>
public static class SpreadChart
{
    /// <summary>A line of medians with min–max bars, one per measured input, and its figures beside it.</summary>
    /// <param name="measured">Each input (the x value) with the spread of its measurements (see <see cref="Trials.Interleaved"/>).</param>
    /// <param name="name">The line's name, for the legend.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="xTitle">The x axis's title.</param>
    /// <param name="yTitle">The y axis's title.</param>
    /// <param name="logX">A logarithmic x axis, for inputs that grow tenfold.</param>
    /// <param name="integerX">The inputs count whole things (threads, processes): ticks on whole numbers only (<see cref="Figure.IntegerX"/>).</param>
    public static Figure ToChart(this IEnumerable<(double X, Spread Y)> measured, string name, string title, string xTitle, string yTitle, bool logX = false, bool integerX = false)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var points = measured.ToList();

        // The axes take in each bar whole and label large counts as 1,000,000, not 1e+06: see Figure.
        var figure = new Figure(title, xTitle, yTitle, logX) { IntegerX = integerX };
        figure.Series.Add(new FigureSeries(name, [.. points.Select(p => p.X)], [.. points.Select(p => p.Y.Median)])
        {
            Below = [.. points.Select(p => p.Y.Median - p.Y.Min)],
            Above = [.. points.Select(p => p.Y.Max - p.Y.Median)],
        });
        static string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
        return figure.WithTable([xTitle, $"{yTitle}: median", "min", "max"], points.Select(p => (IReadOnlyList<string>)[N(p.X), N(p.Y.Median), N(p.Y.Min), N(p.Y.Max)]));
    }
}
