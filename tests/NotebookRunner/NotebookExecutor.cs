using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookRunner.Grading;

namespace NotebookRunner;

/// <summary>The outcome of one notebook: how many code cells ran, how long it took, which cells failed.</summary>
public sealed record NotebookResult(string Name, int Cells, TimeSpan Elapsed, IReadOnlyList<string> Failures)
{
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Runs every C# cell of one notebook, top to bottom, in a new kernel set up as Polyglot Notebooks
/// sets up its C# kernel (kernel helpers such as display(), HTML as the default MIME type), and puts
/// each cell's outputs into the document.
/// </summary>
public static class NotebookExecutor
{
    /// <param name="path">The notebook.</param>
    /// <param name="workingDirectory">Where #r and relative paths resolve from: the notebook's folder unless given (a student copy runs from the teacher's folder).</param>
    /// <param name="cancelSignal">
    /// For the interrupt tests: while a cell runs, once this file exists it is deleted and the cell is
    /// cancelled, as the stop button does, and the time of the Cancel goes into the cell's metadata
    /// (<c>cancelled_at_ms</c>, Unix milliseconds).
    /// </param>
    /// <param name="limits">For grading: a cap on each cell's outputs, and a copy saved after every cell (null: neither).</param>
    public static async Task<(InteractiveDocument Document, NotebookResult Result)> RunAsync(string path, string? workingDirectory = null, string? cancelSignal = null, OutputLimits? limits = null)
    {
        var document = Notebook.Parse(await File.ReadAllTextAsync(path));

        // #r and relative paths resolve from the notebook's folder, as in VS Code and Jupyter.
        Directory.SetCurrentDirectory(workingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!);
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        using var kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers().UseValueSharing() };
        kernel.DefaultKernelName = "csharp";
        kernel.UseImportMagicCommand(); // every notebook's setup cell is `#!import setup.dib`

        var failures = new List<string>();
        var displays = new Dictionary<string, (InteractiveDocumentElement, DisplayElement)>();
        var cells = 0;
        var clock = Stopwatch.StartNew();
        foreach (var cell in document.Elements.Where(IsCSharp))
        {
            cells++;
            cell.Outputs.Clear();
            var submitted = kernel.SendAsync(new SubmitCode(cell.Contents)); // to the composite, which routes to C# (its default) after its own magics, such as #!import
            if (cancelSignal is not null)
            {
                await CancelOnSignalAsync(kernel, submitted, cancelSignal, cell);
            }

            var result = await submitted;
            cell.ExecutionOrder = cells;
            foreach (var e in result.Events)
            {
                if (limits is null || !limits.Full(cell))
                {
                    AddOutput(cell, e, cells, displays);
                }

                if (e is CommandFailed or ErrorProduced)
                {
                    failures.Add($"cell {cells}: {(e as CommandFailed)?.Message ?? ((ErrorProduced)e).Message}");
                }

                // Jupyter shows a cell's compiler warnings in red: here they fail the notebook.
                failures.AddRange(Warnings(e).Select(w => $"cell {cells}: {w}"));
            }

            if (limits is not null)
            {
                await limits.AfterCellAsync(document);
            }
        }

        return (document, new NotebookResult(Path.GetFileName(path), cells, clock.Elapsed, failures));
    }

    // Cancels the running cell when the signal file appears, as VS Code's stop button sends Cancel. The
    // kernel reports the cell cancelled at once; its code ends later, before the next cell can start.
    private static async Task CancelOnSignalAsync(Kernel kernel, Task running, string signal, InteractiveDocumentElement cell)
    {
        while (!running.IsCompleted)
        {
            if (File.Exists(signal))
            {
                File.Delete(signal);
                cell.Metadata ??= new Dictionary<string, object>();
                cell.Metadata["cancelled_at_ms"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await kernel.SendAsync(new Cancel());
                return;
            }

            await Task.WhenAny(running, Task.Delay(20));
        }
    }

    /// <summary>The compiler warnings a cell produced, as Jupyter prints them: "(line,column): warning CODE: message".</summary>
    public static IEnumerable<string> Warnings(KernelEvent e) => e is DiagnosticsProduced d
        ? d.Diagnostics.Where(x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .Select(x => $"({x.LinePositionSpan.Start.Line + 1},{x.LinePositionSpan.Start.Character + 1}): warning {x.Code}: {x.Message}")
        : [];

    private static bool IsCSharp(InteractiveDocumentElement e) =>
        e.KernelName is "csharp" or "C#" or "c#" && !string.IsNullOrWhiteSpace(e.Contents);

    private static void AddOutput(
        InteractiveDocumentElement cell, KernelEvent e, int executionOrder, Dictionary<string, (InteractiveDocumentElement Cell, DisplayElement Element)> displays)
    {
        switch (e)
        {
            case DiagnosticsProduced when Warnings(e).ToList() is { Count: > 0 } warnings:
                AddText(cell, string.Join("\n", warnings) + "\n", "stderr");
                break;
            case StandardOutputValueProduced o:
                AddText(cell, Text(o.FormattedValues), "stdout");
                break;
            case StandardErrorValueProduced o:
                AddText(cell, Text(o.FormattedValues), "stderr");
                break;
            case ErrorProduced error:
                cell.Outputs.Add(new ErrorElement(error.Message, "Error", []));
                break;
            case ReturnValueProduced r:
                var value = new ReturnValueElement { ExecutionOrder = executionOrder };
                foreach (var f in r.FormattedValues)
                {
                    value.Data[f.MimeType] = f.Value;
                }

                cell.Outputs.Add(value);
                break;
            case DisplayedValueUpdated u when displays.TryGetValue(u.ValueId, out var shown):
                // An updating display (progress) ends as its last value, in the place it was first shown.
                var updated = Display(u.FormattedValues);
                shown.Cell.Outputs[shown.Cell.Outputs.IndexOf(shown.Element)] = updated;
                displays[u.ValueId] = (shown.Cell, updated);
                break;
            case DisplayEvent d:
                var element = Display(d.FormattedValues);
                cell.Outputs.Add(element);
                if (d.ValueId is { } id)
                {
                    displays[id] = (cell, element);
                }

                break;
            case CommandFailed failed:
                cell.Outputs.Add(new ErrorElement(failed.Message, failed.Exception?.GetType().Name ?? "Error", []));
                break;
        }
    }

    private static DisplayElement Display(IEnumerable<FormattedValue> values) =>
        new(values.ToDictionary(f => f.MimeType, f => (object)f.Value));

    private static string Text(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? "";

    // Consecutive writes to one stream read as one block, as in Jupyter.
    private static void AddText(InteractiveDocumentElement cell, string text, string stream)
    {
        if (cell.Outputs.Count > 0 && cell.Outputs[^1] is TextElement last && last.Name == stream)
        {
            cell.Outputs[^1] = new TextElement(last.Text + text, stream);
        }
        else
        {
            cell.Outputs.Add(new TextElement(text, stream));
        }
    }
}
