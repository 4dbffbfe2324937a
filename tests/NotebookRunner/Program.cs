using System.Diagnostics;
using System.Globalization;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using NotebookRunner;

// Usage:
//   NotebookRunner [--out DIR] [NOTEBOOK.ipynb ...]
//     Runs each notebook (default: every notebooks/*.ipynb, in order) in a fresh kernel of its
//     own process, writes the executed copies to DIR (default: out/notebooks), prints one line per
//     notebook and exits 1 if any cell failed.
//   NotebookRunner --one NOTEBOOK.ipynb OUTPUT.ipynb
//     Runs one notebook in this process (what each of the above processes does).
if (args is ["--one", var input, var output])
{
    var (document, result) = await NotebookExecutor.RunAsync(input);
    await File.WriteAllTextAsync(output, document.ToJupyterJson());
    foreach (var failure in result.Failures)
    {
        Console.Error.WriteLine(failure);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Cells} {result.Elapsed.TotalSeconds:F1}"));
    return result.Succeeded ? 0 : 1;
}

var root = FindRepositoryRoot();
var outDir = Path.Combine(root, "out", "notebooks");
var notebooks = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        outDir = Path.GetFullPath(args[++i]);
    }
    else
    {
        notebooks.Add(Path.GetFullPath(args[i]));
    }
}

if (notebooks.Count == 0)
{
    notebooks.AddRange(Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal));
}

Directory.CreateDirectory(outDir);
var failed = 0;
foreach (var notebook in notebooks)
{
    var run = await Runner.RunInOwnProcessAsync(notebook, Path.Combine(outDir, Path.GetFileName(notebook)), TimeSpan.FromMinutes(20));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{Path.GetFileName(notebook),-40} {run.Cells,3} cells {run.Seconds,7:F1} s  {(run.Ok ? "ok" : "FAILED")}"));
    if (!run.Ok)
    {
        failed++;
        Console.WriteLine(run.Errors);
    }
}

Console.WriteLine($"executed notebooks: {outDir}");
return failed == 0 ? 0 : 1;

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Helpers.csproj")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run the notebook runner from inside the repository (no Helpers.csproj above it).");
}
