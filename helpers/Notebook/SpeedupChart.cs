using Helpers.Measure;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Helpers.Notebook;

/// <summary>Speedup curves as an XPlot.Plotly chart, and progress shown in the running cell.</summary>
public static class SpeedupChart
{
    /// <summary>A chart of speedup against workers, one line per curve, with the ideal (speedup = workers) and a mark at the CPU count.</summary>
    /// <param name="curves">The measured curves.</param>
    /// <param name="title">The chart's title; a default names the CPU count.</param>
    public static PlotlyChart ToChart(this IEnumerable<SpeedupCurve> curves, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var list = curves.ToList();
        var most = list.SelectMany(c => c.Points).Select(p => p.Workers).DefaultIfEmpty(1).Max();
        var cpus = Environment.ProcessorCount;
        var traces = new List<Trace>
        {
            new Scatter { x = new[] { 1, most }, y = new[] { 1, most }, mode = "lines", name = "ideal (speedup = workers)", line = new Line { dash = "dash", color = "gray" } },
            new Scatter { x = new[] { cpus, cpus }, y = new[] { 0, most }, mode = "lines", name = $"CPU count ({cpus})", line = new Line { dash = "dot", color = "lightgray" } },
        };
        traces.AddRange(list.Select(c => new Scatter
        {
            x = c.Points.Select(p => p.Workers).ToArray(),
            y = c.Points.Select(p => Math.Round(p.Speedup, 2)).ToArray(),
            error_y = new Error_y // The range of the repetitions: a point is only as sure as its bar is short.
            {
                type = "data",
                symmetric = false,
                array = c.Points.Select(p => Math.Round(p.High - p.Speedup, 3)).ToArray(),
                arrayminus = c.Points.Select(p => Math.Round(p.Speedup - p.Low, 3)).ToArray(),
            },
            mode = "lines+markers",
            name = c.Name,
            text = c.Points.Select(p => FormattableString.Invariant($"{p.Seconds.ToString("F2")} s, efficiency {p.Efficiency:P0}")).ToArray(),
        }));
        var chart = Chart.Plot(traces);
        chart.WithTitle(title ?? $"Speedup against workers on {cpus} CPUs");
        chart.WithXTitle("workers");
        chart.WithYTitle("speedup (one worker's time ÷ this time)");
        return chart;
    }

    /// <summary>
    /// A line of text shown in the cell that is running when it is called, which later calls from
    /// that cell replace: pass it as <see cref="Speedup.Measure"/>'s progress. Used from another
    /// cell, it starts a line there. Outside a notebook it writes to the console.
    /// </summary>
    public static Action<string> CellProgress() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive") ? InKernel() : Console.WriteLine;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // Keeps kernel types out of a console app.
    private static Action<string> InKernel()
    {
        (KernelInvocationContext Cell, DisplayedValue Line)? shown = null;
        return text =>
        {
            if (KernelInvocationContext.Current is not { } context)
            {
                Console.WriteLine(text);
            }
            else if (shown is { } s && ReferenceEquals(s.Cell, context))
            {
                s.Line.Update(text);
            }
            else
            {
                shown = (context, KernelInvocationContextExtensions.Display(context, text, "text/plain"));
            }
        };
    }
}
