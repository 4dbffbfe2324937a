using System.Text.Json.Nodes;
using NotebookRunner;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// The lessons (lessons/NN-name.cs): each is its notebook as the generator writes it today, and the
/// generator changes a cell only where a program differs from a notebook. (.ci/run runs every lesson.)
/// </summary>
public sealed class LessonTests : IClassFixture<LeakCheck>
{
    private static readonly string Notebooks = Path.Combine(NotebookRun.RepositoryRoot, "notebooks");
    private static readonly string Lessons = Path.Combine(NotebookRun.RepositoryRoot, "lessons");

    public static TheoryData<string> WithCode => [.. Directory.GetFiles(Notebooks, "*.ipynb").Order(StringComparer.Ordinal)
        .Where(n => Lesson.HasCode(File.ReadAllText(n))).Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(WithCode))]
    public void Each_lesson_is_up_to_date_with_its_notebook(string notebook)
    {
        var lesson = Path.Combine(Lessons, Lesson.FileName(notebook));
        var expected = Lesson.FromNotebook(File.ReadAllText(Path.Combine(Notebooks, notebook)), notebook, Lesson.Imports(Path.Combine(Notebooks, notebook)));

        // A checkout may have turned the lesson's line ends into CRLF; the text is what counts.
        var committed = File.Exists(lesson) ? File.ReadAllText(lesson).ReplaceLineEndings("\n") : null;

        Assert.True(expected == committed,
            $"lessons/{Lesson.FileName(notebook)} is {(committed is null ? "missing" : "out of date with notebooks/" + notebook)}. Write the lessons again: {Lesson.Command}");
    }

    [Fact]
    public void Every_lesson_has_its_notebook_and_the_contents_has_none()
    {
        var names = Directory.GetFiles(Lessons, "*.cs").Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(Notebooks, n + ".ipynb")), $"lessons/{n}.cs has no notebook: remove it, or add notebooks/{n}.ipynb and run {Lesson.Command}"));
        Assert.False(Lesson.HasCode(File.ReadAllText(Path.Combine(Notebooks, "00-index.ipynb"))));
    }

    [Theory]
    [MemberData(nameof(WithCode))]
    public void A_lesson_reads_back_as_its_notebooks_cells_in_order(string notebook)
    {
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(Notebooks, notebook)))!["cells"]!.AsArray();
        var markdown = cells.Where(c => (string?)c!["cell_type"] == "markdown").Select(c => Source(c!).TrimEnd('\n')).ToList();

        var read = ReadPercent(File.ReadAllText(Path.Combine(Lessons, Lesson.FileName(notebook))));

        // After the first line, the directives (raw) and the usings: the notebook's cells, one for
        // one and in order, every markdown cell word for word; then, if any, the types moved to the end.
        Assert.Equal(["code", "raw", "code"], read.Take(3).Select(c => c.Type));
        Assert.StartsWith("#:project ../Helpers.csproj", read[1].Source, StringComparison.Ordinal); // Then the cluster's project, for 07 and 08.
        var body = read.Skip(3).Take(cells.Count).ToList();
        Assert.Equal(cells.Select(c => (string?)c!["cell_type"]), body.Select(c => c.Type));
        Assert.Equal(markdown, body.Where(c => c.Type == "markdown").Select(c => c.Source));
        Assert.True(read.Count == 3 + cells.Count || (read.Count == 5 + cells.Count && read[^2].Source.StartsWith("The types written in the cells above", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_cells_last_expression_is_displayed_and_its_other_statements_stay()
    {
        var lesson = Generate(Code("var x = 2;\nx * 3"));

        Assert.Contains("// %%\nvar x = 2;\ndisplay(x * 3);\n", lesson, StringComparison.Ordinal);
    }

    [Fact]
    public void Usings_go_to_the_top_with_their_pragma_once_each_and_the_kernels_table_namespace_goes()
    {
        var lesson = Generate(
            Code("#pragma warning disable CS8981\nusing mp = Helpers.Multiprocessing;\nusing Microsoft.DotNet.Interactive.Formatting.TabularData;\nConsole.WriteLine(1);"),
            Code("using mp = Helpers.Multiprocessing;\nConsole.WriteLine(2);"));

        var top = lesson[..lesson.IndexOf("Console.WriteLine(1)", StringComparison.Ordinal)];
        Assert.Contains("#pragma warning disable CS8981\nusing mp = Helpers.Multiprocessing;\n", top, StringComparison.Ordinal);
        Assert.Single(lesson.Split('\n'), l => l == "using mp = Helpers.Multiprocessing;");
        Assert.DoesNotContain("TabularData", lesson, StringComparison.Ordinal);
        Assert.Contains("using static Helpers.Lessons.LessonOutput;", top, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_goes_to_the_end_and_its_cell_says_where()
    {
        var lesson = Generate(Code("class Box { }\nvar b = new Box();"), Code("Console.WriteLine(b);"));

        Assert.Contains("// %%\n// class Box: at the end of this file, where C# takes types.\nvar b = new Box();\n", lesson, StringComparison.Ordinal);
        Assert.EndsWith("// %%\nclass Box { }\n", lesson, StringComparison.Ordinal);
        Assert.True(lesson.IndexOf("Console.WriteLine(b)", StringComparison.Ordinal) < lesson.LastIndexOf("class Box", StringComparison.Ordinal));
    }

    [Fact]
    public void The_setup_cell_and_references_to_the_helpers_bin_are_the_project_line_and_a_nuget_reference_is_a_package_line()
    {
        var lesson = Generate(
            Code("var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(\"dotnet\", \"build ../Helpers.csproj -c Release\"))!;"),
            Code("#r \"../bin/Helpers.dll\"\n#r \"nuget: Humanizer.Core, 2.14.1\"\nConsole.WriteLine(1);"));

        Assert.StartsWith("// Generated from notebooks/99-test.ipynb by `dotnet run --project tests/NotebookRunner -- --lessons`", lesson, StringComparison.Ordinal);
        Assert.Contains("// %% [raw]\n#:project ../Helpers.csproj\n#:package Humanizer.Core@2.14.1\n", lesson, StringComparison.Ordinal);
        Assert.DoesNotContain("#r ", lesson, StringComparison.Ordinal);
        Assert.DoesNotContain("ProcessStartInfo", lesson, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_librarys_setup_and_reference_are_its_project_line()
    {
        var lesson = Generate(
            Code("var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(\"dotnet\", \"build ../cluster/Helpers.Cluster.csproj -c Release\"))!;"),
            Code("#r \"../bin/Helpers.dll\"\n#r \"../cluster/bin/Helpers.Cluster.dll\"\nConsole.WriteLine(1);"));

        Assert.Contains("// %% [raw]\n#:project ../Helpers.csproj\n#:project ../cluster/Helpers.Cluster.csproj\n", lesson, StringComparison.Ordinal);
        Assert.DoesNotContain("#r ", lesson, StringComparison.Ordinal);
        Assert.DoesNotContain("ProcessStartInfo", lesson, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_setup_is_its_files_csharp_cells_translated_and_its_markdown_left_out()
    {
        const string Dib = "#!meta\n\n{\"kernelInfo\":{}}\n\n#!markdown\n\n# Setup\n\n#!csharp\n\n"
            + "var b = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(\"dotnet\", \"build ../Helpers.csproj\"))!;\n\n"
            + "#!csharp\n\n#r \"../bin/Helpers.dll\"\nusing mp = Helpers.Multiprocessing;\nConsole.WriteLine(\"loaded\");\n";
        var read = new List<string>();
        var lesson = Lesson.FromNotebook(
            new JsonObject { ["cells"] = new JsonArray(Code("#!import setup.dib"), Code("Console.WriteLine(2);")), ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString(),
            "99-test.ipynb",
            file => { read.Add(file); return Dib; });

        Assert.Equal(["setup.dib"], read);
        Assert.Contains("// %% [raw]\n#:project ../Helpers.csproj\n", lesson, StringComparison.Ordinal);
        Assert.Contains("using mp = Helpers.Multiprocessing;\n", lesson, StringComparison.Ordinal);
        Assert.True(lesson.IndexOf("Console.WriteLine(\"loaded\");", StringComparison.Ordinal) < lesson.IndexOf("Console.WriteLine(2);", StringComparison.Ordinal));
        Assert.DoesNotContain("# Setup", lesson, StringComparison.Ordinal);
        Assert.DoesNotContain("\n#!", lesson, StringComparison.Ordinal);   // named in a comment only
    }

    [Fact]
    public void A_setup_cell_with_more_than_imports_stops_the_generator()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Lesson.FromNotebook(
            new JsonObject { ["cells"] = new JsonArray(Code("#!import setup.dib\nConsole.WriteLine(1);", id: "setup")), ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString(),
            "99-test.ipynb",
            _ => "#!csharp\nConsole.WriteLine(0);\n"));

        Assert.Contains("99-test.ipynb, cell setup: a setup cell holds only #!import lines", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_magic_or_reference_without_a_counterpart_stops_the_generator_naming_its_cell()
    {
        var magic = Assert.Throws<InvalidOperationException>(() => Generate(Code("#!time\nConsole.WriteLine(1);", id: "slow")));
        var dll = Assert.Throws<InvalidOperationException>(() => Generate(Code("#r \"/opt/x.dll\"\nConsole.WriteLine(1);", id: "dll")));

        Assert.Contains("99-test.ipynb, cell slow", magic.Message, StringComparison.Ordinal);
        Assert.Contains("#!time", magic.Message, StringComparison.Ordinal);
        Assert.Contains("cell dll", dll.Message, StringComparison.Ordinal);
        Assert.Contains("names no version", Assert.Throws<InvalidOperationException>(() => Generate(Code("#r \"nuget: Humanizer.Core\""))).Message, StringComparison.Ordinal);
        Assert.Contains("nuget.config", Assert.Throws<InvalidOperationException>(() => Generate(Code("#i \"nuget: https://example.org/v3/index.json\""))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_declared_again_is_assigned_and_a_function_declared_again_is_refused()
    {
        var lesson = Generate(Code("var p = 1;"), Code("var p = 2;\nConsole.WriteLine(p);"));
        var twice = Assert.Throws<InvalidOperationException>(() => Generate(Code("void F() { }"), Code("void F() { }", id: "again")));

        Assert.Contains("\np = 2;   // declared in an earlier cell: a lesson is one scope\nConsole.WriteLine(p);", lesson, StringComparison.Ordinal);
        Assert.Contains("cell again: 'F' is declared again", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_is_commented_line_by_line_under_its_marker()
    {
        var lesson = Generate(new JsonObject { ["cell_type"] = "markdown", ["id"] = "m", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("# Title\n", "\n", "Text.") }, Code("Console.WriteLine(1);"));

        Assert.Contains("\n// %% [markdown]\n// # Title\n//\n// Text.\n", lesson, StringComparison.Ordinal);
    }

    private static string Generate(params JsonObject[] cells) =>
        Lesson.FromNotebook(new JsonObject { ["cells"] = new JsonArray(cells), ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString(), "99-test.ipynb");

    private static JsonObject Code(string source, string id = "c") => new()
    {
        ["cell_type"] = "code",
        ["id"] = id,
        ["metadata"] = new JsonObject(),
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    // The percent format as jupytext reads it: the lines before the first "// %%" as a code cell,
    // then a cell from each "// %%" line to the next (less the blank lines before it); markdown
    // without its "// " prefixes.
    private static List<(string Type, string Source)> ReadPercent(string text)
    {
        var cells = new List<(string Type, List<string> Lines)> { ("code", []) };
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("// %%", StringComparison.Ordinal))
            {
                var type = line.Contains("[markdown]", StringComparison.Ordinal) ? "markdown" : line.Contains("[raw]", StringComparison.Ordinal) ? "raw" : "code";
                cells.Add((type, []));
            }
            else
            {
                cells[^1].Lines.Add(line);
            }
        }

        return [.. cells.Where((c, i) => i > 0 || c.Lines.Any(l => l.Length > 0)).Select(c =>
        {
            var lines = c.Lines.AsEnumerable().Reverse().SkipWhile(l => l.Length == 0).Reverse();
            return (c.Type, string.Join('\n', c.Type == "markdown" ? lines.Select(l => l == "//" ? "" : l["// ".Length..]) : lines));
        })];
    }
}
