using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner;

/// <summary>
/// Student copies of the teacher's notebooks: every solution, the lines from <c>// BEGIN SOLUTION</c>
/// to <c>// END SOLUTION</c>, becomes one line that throws <see cref="NotImplementedException"/>
/// (a statement valid in any body, whatever it returns); hints and checks stay. And the checks'
/// marks in an executed notebook: ✓ or ✗, the first line of each check cell's text.
/// </summary>
public static class StudentCopy
{
    public const string Begin = "// BEGIN SOLUTION";
    public const string End = "// END SOLUTION";
    public const string Stub = "throw new NotImplementedException(\"your code here\");";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A cell's source with each solution region replaced by the stub, at the region's indentation.</summary>
    public static string StubSolutions(string source)
    {
        var lines = source.Split('\n');
        var result = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != Begin)
            {
                result.Add(lines[i]);
                continue;
            }

            var indent = lines[i][..(lines[i].Length - lines[i].TrimStart().Length)];
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == End);
            if (end < 0)
            {
                throw new InvalidOperationException($"A \"{Begin}\" line has no \"{End}\" line after it:\n{source}");
            }

            result.Add(indent + Stub);
            i = end;
        }

        return string.Join('\n', result);
    }

    /// <summary>The student copy of a notebook (its JSON): solutions stubbed, outputs cleared.</summary>
    public static string ToStudent(string notebookJson)
    {
        var notebook = JsonNode.Parse(notebookJson)!;
        foreach (var cell in notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
        {
            var parts = StubSolutions(SourceOf(cell!)).Split('\n');
            var lines = parts.Select((l, i) => i < parts.Length - 1 ? l + "\n" : l).Where(l => l.Length > 0);
            cell!["source"] = new JsonArray([.. lines.Select(l => (JsonNode)JsonValue.Create(l))]);
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }

        return notebook.ToJsonString(Json) + "\n";
    }

    /// <summary>Whether a notebook has solution regions (a lesson with exercises).</summary>
    public static bool HasSolutions(string notebookJson) => notebookJson.Contains(Begin, StringComparison.Ordinal);

    /// <summary>Writes the student copy of each notebook into <paramref name="outDir"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(IEnumerable<string> notebooks, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        foreach (var notebook in notebooks)
        {
            var path = Path.Combine(outDir, Path.GetFileName(notebook));
            File.WriteAllText(path, ToStudent(File.ReadAllText(notebook)));
            written.Add(path);
        }

        return written;
    }

    /// <summary>The first text line of each check cell's outputs (a cell that calls <c>Exercise.Check(</c>), "" when it has none.</summary>
    public static IReadOnlyList<string> Marks(string notebookJson) => [.. JsonNode.Parse(notebookJson)!["cells"]!.AsArray()
        .Where(c => (string?)c!["cell_type"] == "code" && SourceOf(c).Contains("Exercise.Check(", StringComparison.Ordinal))
        .Select(c => c!["outputs"]!.AsArray()
            .Select(o => o!["data"]?["text/plain"] is { } text ? Join(text) : "")
            .FirstOrDefault(t => t.StartsWith('✓') || t.StartsWith('✗'), "")
            .Split('\n')[0])];

    /// <summary>What is wrong with the checks of an executed notebook: a teacher's copy passes them all, a student's copy has every one "not done yet".</summary>
    public static IReadOnlyList<string> Problems(string executedJson, bool student) => [.. Marks(executedJson)
        .Select((mark, i) => (mark, i))
        .Where(m => student ? !(m.mark.StartsWith('✗') && m.mark.Contains("not done yet", StringComparison.Ordinal)) : !m.mark.StartsWith('✓'))
        .Select(m => $"check {m.i + 1}: expected {(student ? "✗ … not done yet" : "✓")}, got: {(m.mark.Length > 0 ? m.mark : "no verdict")}")];

    private static string SourceOf(JsonNode cell) => Join(cell["source"]);

    private static string Join(JsonNode? node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";
}
