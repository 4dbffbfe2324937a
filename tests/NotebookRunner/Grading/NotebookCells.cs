using System.Text.Json.Nodes;

namespace NotebookRunner.Grading;

/// <summary>One cell of a notebook's JSON: its type, id, source and outputs (empty for markdown).</summary>
/// <param name="Type">code or markdown.</param>
/// <param name="Id">The cell's id (nbformat 4.5), or "" when it has none.</param>
/// <param name="Source">The source, its lines joined.</param>
/// <param name="Outputs">The outputs, as they are in the file.</param>
public sealed record NotebookCell(string Type, string Id, string Source, JsonArray Outputs)
{
    /// <summary>The cells of a notebook's JSON; throws <see cref="System.Text.Json.JsonException"/> or <see cref="InvalidOperationException"/> when it is not a notebook.</summary>
    public static IReadOnlyList<NotebookCell> Parse(string notebookJson) =>
        [.. (JsonNode.Parse(notebookJson)?["cells"] as JsonArray ?? throw new InvalidOperationException("not a notebook: no \"cells\" list"))
            .Select(c => new NotebookCell(
                (string?)c?["cell_type"] ?? "",
                (string?)c?["id"] ?? "",
                Join(c?["source"]),
                c?["outputs"] as JsonArray ?? []))];

    /// <summary>A string, or a list of strings joined, as nbformat writes text.</summary>
    public static string Join(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l is JsonValue v && v.TryGetValue<string>(out var s) ? s : "")),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };
}
