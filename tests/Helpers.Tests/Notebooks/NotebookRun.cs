using System.Text.Json.Nodes;
using NotebookRunner;

namespace Helpers.Tests.Notebooks;

/// <summary>Runs a notebook through the notebook runner, in a fresh kernel of its own process, and reads its outputs.</summary>
internal static class NotebookRun
{
    public static readonly string RepositoryRoot = FindRoot();

    /// <summary>
    /// Starts a kernel on <paramref name="notebook"/> as Jupyter does (its own session and process
    /// group, through <c>setsid</c>) and waits until the notebook has written <paramref name="report"/>;
    /// the caller then ends the kernel as the test requires. A kernel that never reports is killed
    /// with its tree, and the test fails with its output.
    /// </summary>
    public static async Task<System.Diagnostics.Process> StartKernelAsync(string notebook, string output, string report, double seconds)
    {
        var info = new System.Diagnostics.ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["dotnet", "exec", typeof(Runner).Assembly.Location, "--one", notebook, output])
        {
            info.ArgumentList.Add(arg);
        }

        var kernel = System.Diagnostics.Process.Start(info)!;
        var stdout = kernel.StandardOutput.ReadToEndAsync();
        var stderr = kernel.StandardError.ReadToEndAsync();
        if (!Wait.Until(() => File.Exists(report), seconds))
        {
            var said = kernel.HasExited ? await stdout + await stderr : "still running";
            kernel.Kill(entireProcessTree: true);
            kernel.Dispose();
            Xunit.Assert.Fail($"the kernel never reported: {said}");
        }

        return kernel;
    }

    /// <summary>
    /// Runs <paramref name="notebook"/> (from <paramref name="workingDirectory"/>, by default its folder); returns the outcome and the executed notebook's cells.
    /// With <paramref name="cancelSignal"/>, a cell that creates that file is cancelled, as the stop button does.
    /// </summary>
    public static async Task<(RunOutcome Outcome, JsonArray Cells)> RunAsync(string notebook, TempDir scratch, string? workingDirectory = null, string? cancelSignal = null)
    {
        var output = scratch.File(Path.GetFileName(notebook));
        var outcome = await Runner.RunInOwnProcessAsync(notebook, output, TimeSpan.FromMinutes(15), workingDirectory, cancelSignal);
        var cells = File.Exists(output) ? JsonNode.Parse(await File.ReadAllTextAsync(output))!["cells"]!.AsArray() : [];
        return (outcome, cells);
    }

    /// <summary>Every output of the code cells, as (cell index, output type, text).</summary>
    public static IEnumerable<(int Cell, string Type, string Text)> Outputs(JsonArray cells) =>
        cells.Select((c, i) => (Cell: c!, Index: i))
            .Where(c => (string?)c.Cell["cell_type"] == "code")
            .SelectMany(c => c.Cell["outputs"]!.AsArray().Select(o => (c.Index, (string)o!["output_type"]!, TextOf(o))));

    /// <summary>Writes a notebook with the given C# cells, in the format VS Code and Jupyter use.</summary>
    public static string Write(TempDir dir, string name, params string[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray([.. cells.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = c,
            })]),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = dir.File(name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    private static string TextOf(JsonNode output)
    {
        static string Join(JsonNode? node) => node switch
        {
            JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
            null => "",
            _ => (string?)node ?? "",
        };

        return (string)output["output_type"]! switch
        {
            "stream" => Join(output["text"]),
            "error" => $"{output["ename"]}: {output["evalue"]}",
            _ => Join(output["data"]?["text/plain"] ?? output["data"]?["text/html"]),
        };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Helpers.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run from inside the repository; no Helpers.csproj was found above them.");
    }
}
