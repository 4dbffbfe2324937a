using Helpers.Measure;
using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.Formatting.TabularData;

namespace Helpers.Notebook;

/// <summary>
/// Lists of the helpers' row types (<see cref="SpeedupRow"/>, <see cref="SpreadRow"/>,
/// <see cref="SharedObject"/>) as .NET Interactive's own tables (its tabular data resource), one
/// column per property: without this, the kernel shows each row as an expandable tree.
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

    private static string ToHtml<T>(IEnumerable<T> rows) => rows.ToTabularDataResource().ToDisplayString(HtmlFormatter.MimeType);
}
