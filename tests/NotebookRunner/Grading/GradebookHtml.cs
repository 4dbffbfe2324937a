using System.Globalization;
using System.Net;
using System.Text;

namespace NotebookRunner.Grading;

/// <summary>
/// The gradebook as one HTML page with no scripts: a table of students × exercises (✓, ✗, not
/// done, did not run, changed check, not handed in), then per student each exercise's message, how
/// the submission ran, and links to the executed copies.
/// </summary>
public static class GradebookHtml
{
    /// <summary>The page.</summary>
    public static string Page(Gradebook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gradebook</title><style>")
            .Append("body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:center}")
            .Append("td.name{text-align:left}.Passed{background:#e8f5e9;color:#2e7d32}.Failed{background:#ffebee;color:#c62828}.NotDone{background:#f5f5f5;color:#666}")
            .Append(".DidNotRun{background:#fff3e0;color:#e65100}.ChangedCheck{background:#f3e5f5;color:#6a1b9a;font-weight:bold}.NotHandedIn{color:#999}")
            .Append("li{margin:2px 0}pre{white-space:pre-wrap;margin:0}</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Gradebook</h1>\n<p>{Encode(book.Summary())}. Marker of this grading's processes: <code>{Encode(book.RunId)}</code>.</p>\n");
        html.Append("<table><tr><th>student</th>");
        foreach (var e in book.Exercises)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{Encode(e)}</th>");
        }

        html.Append("<th>total</th><th>seconds</th></tr>\n");
        foreach (var s in book.Students)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"name\"><a href=\"#{Anchor(s.Student)}\">{Encode(s.Student)}</a></td>");
            foreach (var e in book.Exercises)
            {
                var g = s.Grades[e];
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"{g.State}\" title=\"{Encode(g.Message)}\">{Encode(g.Label)}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{s.Total}/{book.Exercises.Count}</td><td>{s.Seconds.ToString("F1", CultureInfo.InvariantCulture)}</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var s in book.Students)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"{Anchor(s.Student)}\">{Encode(s.Student)}</h2>\n<ul>\n");
            foreach (var e in book.Exercises)
            {
                var g = s.Grades[e];
                html.Append(CultureInfo.InvariantCulture, $"<li><b class=\"{g.State}\">{Encode(e)} {Encode(g.Label)}</b> <pre>{Encode(g.Message)}</pre></li>\n");
            }

            html.Append("</ul>\n");
            foreach (var note in s.Notes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(note)}</p>\n");
            }

            if (s.Executed.Count > 0)
            {
                html.Append("<p>Executed: ")
                    .AppendJoin(" · ", s.Executed.Select(x => $"<a href=\"{Encode(string.Join('/', x.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString)))}\">{Encode(x)}</a>"))
                    .Append("</p>\n");
            }
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Anchor(string student) => "s-" + Uri.EscapeDataString(student);
}
