using Helpers.Charts;
using Helpers.Exercises;
using Helpers.Lessons;
using Helpers.Multiprocessing;
using Helpers.Tests.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Lessons;

/// <summary>What a lesson run as a program prints where a notebook shows a cell's result.</summary>
public sealed class LessonOutputTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void A_chart_is_written_as_a_page_that_needs_no_network_and_its_image_beside_it_and_the_text_names_both()
    {
        using var dir = new TempDir();
        var before = LessonOutput.ChartFolder;
        LessonOutput.ChartFolder = dir.Path;
        try
        {
            var figure = new Figure("Speedup, 2 CPUs!", "workers", "speedup");
            figure.Series.Add(new FigureSeries("pool", [1, 2], [1, 1.9]));
            figure.WithTable(["workers", "speedup"], [["1", "1.00×"], ["2", "1.90×"]]);

            var text = LessonOutput.ToText(figure);

            var page = Assert.Single(Directory.GetFiles(dir.Path, "*.html"));
            var image = Assert.Single(Directory.GetFiles(dir.Path, "*.svg"));
            Assert.EndsWith("-speedup-2-cpus.html", page, StringComparison.Ordinal);
            Assert.Equal(Path.ChangeExtension(page, ".svg"), image);
            var html = File.ReadAllText(page);
            Assert.Contains("window.Plotly.newPlot", html, StringComparison.Ordinal);
            Assert.Contains($"plotly.js {PlotlyScript.Version}", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
            Assert.StartsWith("<svg", File.ReadAllText(image), StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(page), text, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(image), text, StringComparison.Ordinal);
            Assert.Contains("2        1.90×", text, StringComparison.Ordinal);

            // Any chart is written so: a timeline too, numbered after the figure.
            var timeline = new TimelineChart("Who held the lock", ["worker-1"], [new TimelineBar("worker-1", "lock held", 1, 3.5, "counter += 1")]);
            var timelineText = LessonOutput.ToText(timeline);

            var timelinePage = Assert.Single(Directory.GetFiles(dir.Path, "*-who-held-the-lock.html"));
            Assert.Contains("window.Plotly.newPlot", File.ReadAllText(timelinePage), StringComparison.Ordinal);
            Assert.StartsWith("<svg", File.ReadAllText(Path.ChangeExtension(timelinePage, ".svg")), StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(timelinePage), timelineText, StringComparison.Ordinal);
            Assert.Contains("counter += 1", timelineText, StringComparison.Ordinal);
        }
        finally
        {
            LessonOutput.ChartFolder = before;
        }
    }

    [Fact]
    public void Rows_print_as_aligned_columns_of_their_properties_or_of_a_tuples_elements()
    {
        var rows = new[] { new { Name = "a", Count = 12 }, new { Name = "bcd", Count = 3 } };

        var table = LessonOutput.ToText(rows.ToTabularDataResource());
        var tuples = LessonOutput.ToText(new[] { ("x", 1.5), ("yy", 2.0) });

        Assert.Equal("Name  Count\n----  -----\na     12\nbcd   3", table.ReplaceLineEndings("\n"));
        Assert.Equal("Item1  Item2\n-----  -----\nx      1.5\nyy     2", tuples.ReplaceLineEndings("\n"));
        Assert.Equal("[1, 2, 3]", LessonOutput.ToText(new List<int> { 1, 2, 3 }));
        Assert.Equal("[0.5, null]", LessonOutput.ToText(new double?[] { 0.5, null }));
    }

    [Fact]
    public void Processes_print_as_the_notebooks_table_and_none_as_a_phrase()
    {
        var p = new Process(Targets.Exit, 3) { Name = "quitter" };
        p.Start();
        p.Join();

        var text = LessonOutput.ToText(p).ReplaceLineEndings("\n").Split('\n');

        Assert.Equal(["name", "pid", "alive", "exit", "code", "daemon"], text[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["quitter", $"{p.Pid}", "✘", "3", "no"], text[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("no processes", LessonOutput.ToText(Array.Empty<Process>()));
    }

    [Fact]
    public void A_check_prints_its_mark_line_and_a_string_prints_as_itself()
    {
        Assert.Equal("✓ 01.1 fine", LessonOutput.ToText(Verdict.Pass("fine") with { Id = "01.1" }));
        Assert.Equal("text", LessonOutput.ToText("text"));
    }
}
