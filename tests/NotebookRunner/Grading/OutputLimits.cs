using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace NotebookRunner.Grading;

/// <summary>
/// What the executor keeps of a graded notebook: each cell's outputs up to a number of characters
/// (a loop that prints forever must not fill the gradebook), and the executed copy saved after every
/// cell, so that a kernel killed at its time limit or crashed still leaves the verdicts it gave.
/// </summary>
/// <param name="maxCharsPerCell">The characters of output kept per cell; what comes after is dropped, with a note.</param>
/// <param name="saveTo">Where the executed copy is written after each cell (null: only at the end, by the caller).</param>
public sealed class OutputLimits(int maxCharsPerCell, string? saveTo)
{
    private readonly HashSet<InteractiveDocumentElement> truncated = [];

    /// <summary>The characters of output kept per cell.</summary>
    public int MaxCharsPerCell { get; } = maxCharsPerCell;

    /// <summary>Whether <paramref name="cell"/> has all the output it may keep; the first time, adds a note that says so.</summary>
    public bool Full(InteractiveDocumentElement cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (truncated.Contains(cell))
        {
            return true;
        }

        if (cell.Outputs.Sum(Size) < MaxCharsPerCell)
        {
            return false;
        }

        truncated.Add(cell);
        cell.Outputs.Add(new TextElement($"\n… (the rest of this cell's output was dropped by the grader: {MaxCharsPerCell:N0} characters kept)\n", "stderr"));
        return true;
    }

    /// <summary>Saves the executed copy so far (written beside, then moved, so a reader never sees half a file).</summary>
    public async Task AfterCellAsync(InteractiveDocument document)
    {
        if (saveTo is null)
        {
            return;
        }

        var partial = saveTo + ".partial";
        await File.WriteAllTextAsync(partial, document.ToJupyterJson());
        File.Move(partial, saveTo, overwrite: true);
    }

    private static int Size(InteractiveDocumentOutputElement output) => output switch
    {
        TextElement t => t.Text.Length,
        ErrorElement e => e.ErrorValue.Length,
        DisplayElement d => d.Data.Values.Sum(v => v?.ToString()?.Length ?? 0),
        ReturnValueElement r => r.Data.Values.Sum(v => v?.ToString()?.Length ?? 0),
        _ => 0,
    };
}
