using Helpers.Measure;

namespace Helpers.Charts;

/// <summary>Speedup curves as a <see cref="Figure"/>.</summary>
public static class SpeedupChart
{
    /// <summary>
    /// A chart of speedup against workers, one line per curve with the range of its repetitions as
    /// error bars, the ideal (speedup = workers) and a mark at the CPU count; its figures beside it.
    /// </summary>
    /// <param name="curves">The measured curves.</param>
    /// <param name="title">The chart's title; a default names the CPU count.</param>
    public static Figure ToChart(this IEnumerable<SpeedupCurve> curves, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var list = curves.ToList();
        var most = list.SelectMany(c => c.Points).Select(p => p.Workers).DefaultIfEmpty(1).Max();
        var cpus = Environment.ProcessorCount;
        // Workers are counted: ticks at 1, 2, 3…, never 1.5.
        var figure = new Figure(title ?? $"Speedup against workers on {cpus} CPUs", "workers", "speedup (one worker's time ÷ this time)") { IntegerX = true };
        figure.Series.Add(new FigureSeries("ideal (speedup = workers)", [1, most], [1, most]) { Dash = "dash", Markers = false, Color = "#808080" });
        figure.Series.Add(new FigureSeries($"CPU count ({cpus})", [cpus, cpus], [0, most]) { Dash = "dot", Markers = false, Color = "#c0c0c0" });
        foreach (var c in list)
        {
            figure.Series.Add(new FigureSeries(c.Name, [.. c.Points.Select(p => (double)p.Workers)], [.. c.Points.Select(p => Math.Round(p.Speedup, 3))])
            {
                Below = [.. c.Points.Select(p => Math.Round(p.Speedup - p.Low, 3))],
                Above = [.. c.Points.Select(p => Math.Round(p.High - p.Speedup, 3))],
            });
        }

        return figure.WithTable(["kind", "workers", "seconds: median (min–max)", "speedup: quickest runs (range)"], list.Table().Select(r => (IReadOnlyList<string>)[r.Kind, $"{r.Workers}", r.Seconds, r.Speedup]));
    }
}
