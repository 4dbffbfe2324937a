using System.Net;
using Helpers.Multiprocessing;

namespace Helpers.Notebook;

/// <summary>Renders a <see cref="Process"/>, or a list of them, as a small HTML table: name, pid, alive, exit code.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = ".NET Interactive calls these instance members by convention.")]
internal sealed class ProcessFormatterSource
{
    /// <summary>Called by .NET Interactive's formatter (by convention).</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new ProcessFormatter();
    }
}

/// <summary>The HTML formatter, found by convention: a MimeType and a Format(object, TextWriter) method.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = ".NET Interactive calls these instance members by convention.")]
internal sealed class ProcessFormatter
{
    /// <summary>The MIME type this formatter writes.</summary>
    public string MimeType => "text/html";

    /// <summary>Formats one process (a list of them is registered by the glue, with <see cref="ToHtml"/>).</summary>
    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not Process process)
        {
            return false;
        }

        writer.Write(ToHtml([process]));
        return true;
    }

    /// <summary>The table, also usable without a kernel.</summary>
    public static string ToHtml(IReadOnlyList<Process> processes)
    {
        if (processes.Count == 0)
        {
            return "<i>no processes</i>";
        }

        var rows = processes.Select(p =>
        {
            var (pid, alive, exit) = Describe(p);
            return $"<tr><td>{WebUtility.HtmlEncode(p.Name)}</td><td>{pid}</td><td>{alive}</td><td>{exit}</td><td>{(p.Daemon ? "yes" : "no")}</td></tr>";
        });
        return "<table><thead><tr><th>name</th><th>pid</th><th>alive</th><th>exit code</th><th>daemon</th></tr></thead><tbody>"
            + string.Concat(rows) + "</tbody></table>";
    }

    /// <summary>A process's pid, whether it is alive (✔/✘, or "closed") and its exit code, as table cells.</summary>
    internal static (string Pid, string Alive, string Exit) Describe(Process p)
    {
        try
        {
            return ($"{p.Pid}", p.IsAlive ? "✔" : "✘", p.ExitCode is { } code ? $"{code}" : "");
        }
        catch (InvalidOperationException)
        {
            return ("", "closed", "");
        }
    }
}
