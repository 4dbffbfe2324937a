using System.Collections;
using System.Text;
using Helpers.Charts;
using Helpers.Multiprocessing;
using Helpers.Notebook; // ProcessFormatter: the rows a notebook shows for a list of processes

namespace Helpers.Lessons;

/// <summary>
/// What a notebook shows under a cell, for a lesson run as a program (<c>dotnet run --file lessons/NN-name.cs</c>):
/// <see cref="display"/> prints rows as a table of aligned text, a list of numbers or strings as
/// <c>[a, b, c]</c>, an exercise check as its ✓/✗ line, and
/// writes a chart as a page of its own (interactive, plotly.js inlined, so it opens offline) with its
/// SVG image beside it, printing both paths and the chart's figures. The lessons' generator turns a
/// cell's last expression, which a notebook displays, into a call of <see cref="display"/>.
/// </summary>
public static class LessonOutput
{
    private static int charts;

    /// <summary>Where charts are written: <c>out/NAME/</c> beside the lesson's file (lessons/out is git-ignored).</summary>
    public static string ChartFolder { get; set; } = DefaultChartFolder();

    /// <summary>Prints <paramref name="value"/> as a notebook would show it, in text; a chart is written to files first.</summary>
    /// <param name="value">What the cell's last expression gave.</param>
    /// <remarks>Lower case, as the kernel's own <c>display()</c>: a lesson's call reads as the notebook's.</remarks>
    public static void display(object? value) => Console.WriteLine(ToText(value));

    /// <summary>Rows as a table of aligned text: the lessons' counterpart of .NET Interactive's <c>ToTabularDataResource()</c>.</summary>
    /// <param name="rows">The rows; each property of their type is a column.</param>
    public static TextTable ToTabularDataResource<T>(this IEnumerable<T> rows) => TextTable.Of(rows);

    /// <summary>The text <see cref="display"/> prints.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "null",
        string s => s,
        ChartBase chart => Write(chart),
        Process process => Processes([process]),
        IEnumerable<Process> processes => Processes([.. processes]),
        IEnumerable sequence when TextTable.HoldsPlainValues(sequence) => TextTable.Text(sequence),
        IEnumerable sequence => TextTable.Of(sequence).ToString(),
        _ => value.ToString() ?? "",
    };

    /// <summary>Writes <paramref name="chart"/> as NN-title.html (interactive, self-contained) and NN-title.svg; returns the paths and the figures.</summary>
    private static string Write(ChartBase chart)
    {
        var stem = Path.Combine(ChartFolder, $"{Interlocked.Increment(ref charts):00}-{Slug(chart.Title)}");

        Directory.CreateDirectory(ChartFolder);
        File.WriteAllText(stem + ".html", chart.ToPage());
        File.WriteAllText(stem + ".svg", chart.ToSvg());
        return $"chart: {Shown(stem + ".html")} (interactive, opens offline in a browser)\nimage: {Shown(stem + ".svg")}\n{chart.ToString().TrimEnd()}";
    }

    // As the notebook's table of processes: name, pid, alive, exit code, daemon.
    private static string Processes(IReadOnlyList<Process> processes) => processes.Count == 0 ? "no processes" : new TextTable(
        ["name", "pid", "alive", "exit code", "daemon"],
        processes.Select(p =>
        {
            var (pid, alive, exit) = ProcessFormatter.Describe(p);
            return (IReadOnlyList<string>)[p.Name, pid, alive, exit, p.Daemon ? "yes" : "no"];
        })).ToString();

    // A file name from a title: its letters and digits, lower case, the rest as single dashes.
    private static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length == 0 ? "chart" : text[..Math.Min(text.Length, 60)].TrimEnd('-');
    }

    // A path as the reader types it: relative to the current folder when it is inside it.
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }

    // A file-based app knows its file (.NET 10 sets EntryPointFilePath); any other program writes under its current folder.
    private static string DefaultChartFolder()
    {
        var name = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "lesson";
        return AppContext.GetData("EntryPointFilePath") is string file
            ? Path.Combine(Path.GetDirectoryName(file)!, "out", Path.GetFileNameWithoutExtension(file))
            : Path.Combine(Environment.CurrentDirectory, "out", name);
    }
}
