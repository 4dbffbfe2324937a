using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Helpers.Tests.Notebooks;

/// <summary>
/// The notebooks' markdown links lead somewhere: every relative link names a file that exists, and a link to
/// <c>file.ipynb#id</c> names an explicit <c>&lt;a id="id"&gt;&lt;/a&gt;</c> in a markdown cell of that notebook
/// (Jupyter and GitHub compute heading anchors differently, so the notebooks do not rely on them). And the course
/// is connected: every notebook links to the contents in its first and last cell, and the contents link to every notebook.
/// </summary>
public sealed partial class LinkTests : IClassFixture<LeakCheck>
{
    private const string Index = "00-index.ipynb";

    private static readonly string Folder = Path.Combine(NotebookRun.RepositoryRoot, "notebooks");

    public static TheoryData<string> Notebooks => [.. Names()];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_relative_link_leads_to_a_file_and_an_anchor_that_exist(string notebook)
    {
        var path = Path.Combine(Folder, notebook);
        var problems = new List<string>();
        foreach (var link in MarkdownCells(path).SelectMany(Links).Where(l => !Scheme().IsMatch(l)))
        {
            var (file, anchor) = Split(link);
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Folder, Uri.UnescapeDataString(file)));
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                problems.Add($"{notebook}: the link ({link}) leads to {file}, which does not exist");
            }
            else if (anchor is not null && !(File.Exists(target) && AnchorsIn(target).Contains(anchor)))
            {
                problems.Add($"{notebook}: the link ({link}) leads to #{anchor}, but {Path.GetFileName(target)} has no <a id=\"{anchor}\"></a> in a markdown cell");
            }
        }

        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }
    }

    [Fact]
    public void Every_notebook_links_to_the_contents_at_both_ends_and_the_contents_link_to_every_notebook()
    {
        var problems = new List<string>();
        var notebooks = Names().Where(n => n != Index).ToList();
        foreach (var notebook in notebooks)
        {
            var cells = Cells(Path.Combine(Folder, notebook));
            foreach (var (end, cell) in new[] { ("first", cells[0]), ("last", cells[^1]) })
            {
                if ((string?)cell?["cell_type"] != "markdown" || !Links(Source(cell)).Any(l => Split(l).File == Index))
                {
                    problems.Add($"{notebook}: its {end} cell has no markdown link to {Index}");
                }
            }
        }

        var fromIndex = MarkdownCells(Path.Combine(Folder, Index)).SelectMany(Links).Select(l => Split(l).File).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(notebooks.Where(n => !fromIndex.Contains(n)).Select(n => $"{Index}: no link to {n}"));

        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }
    }

    private static IEnumerable<string> Names() => Directory
        .GetFiles(Folder, "*.ipynb")
        .Select(f => Path.GetFileName(f))
        .Order(StringComparer.Ordinal);

    private static JsonArray Cells(string notebook) => JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray();

    private static IEnumerable<string> MarkdownCells(string notebook) =>
        Cells(notebook).Where(c => (string?)c?["cell_type"] == "markdown").Select(Source);

    private static string Source(JsonNode? cell) => cell?["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonNode text => (string?)text ?? "",
        null => "",
    };

    /// <summary>The targets of the markdown links <c>[text](target)</c>, outside code.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        MarkdownLink().Matches(InlineCode().Replace(Fence().Replace(markdown, ""), "")).Select(m => m.Groups["target"].Value);

    private static (string File, string? Anchor) Split(string link)
    {
        var hash = link.IndexOf('#');
        if (hash < 0)
        {
            return (link, null);
        }

        return (link[..hash], link[(hash + 1)..]);
    }

    /// <summary>The ids of the <c>&lt;a id="..."&gt;</c> (or <c>name=</c>) tags in a notebook's markdown cells, or in another file.</summary>
    private static HashSet<string> AnchorsIn(string file) =>
        (file.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) ? MarkdownCells(file) : File.ReadLines(file))
        .SelectMany(text => Anchor().Matches(text))
        .Select(m => m.Groups["id"].Value)
        .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[ \t]*(```|~~~).*?^[ \t]*\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\[[^\]\n]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex("""<a\s[^>]*?\b(?:id|name)\s*=\s*["'](?<id>[^"']+)["']""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Anchor();
}
