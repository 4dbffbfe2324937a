using System.Net;
using System.Reflection;
using Helpers.Measure;
using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive.Formatting;

namespace Helpers.Notebook;

/// <summary>
/// Lists of the helpers' row types (<see cref="SpeedupRow"/>, <see cref="SpreadRow"/>,
/// <see cref="SharedObject"/>) as a plain HTML table, one column per property: .NET Interactive
/// would show each row as an expandable tree instead.
/// </summary>
internal static class TableFormatter
{
    /// <summary>Registers the tables with the kernel's formatter.</summary>
    public static void Register()
    {
        Formatter.Register<IEnumerable<SpeedupRow>>((rows, writer) => writer.Write(ToHtml(rows)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<SpreadRow>>((rows, writer) => writer.Write(ToHtml(rows)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<SharedObject>>((rows, writer) => writer.Write(ToHtml(rows)), HtmlFormatter.MimeType);
    }

    /// <summary>The table, also usable without a kernel.</summary>
    public static string ToHtml<T>(IEnumerable<T> rows)
    {
        var columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var head = string.Concat(columns.Select(c => $"<th>{WebUtility.HtmlEncode(c.Name)}</th>"));
        var body = string.Concat(rows.Select(r => "<tr>" + string.Concat(columns.Select(c => $"<td>{WebUtility.HtmlEncode(Convert.ToString(c.GetValue(r), System.Globalization.CultureInfo.InvariantCulture))}</td>")) + "</tr>"));
        return $"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>";
    }
}
