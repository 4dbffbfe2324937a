using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Helpers.Lessons;

/// <summary>
/// Rows as a table of aligned text, one column per property (or per field, for tuples): what a
/// notebook shows as an HTML table, printed by a lesson. <see cref="LessonOutput.display"/> prints it.
/// </summary>
public sealed class TextTable
{
    /// <summary>A table with these columns and rows; each row has one cell per column.</summary>
    /// <param name="columns">The column titles.</param>
    /// <param name="rows">The cells, row by row.</param>
    public TextTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        Columns = columns;
        Rows = [.. rows];
        if (Rows.FirstOrDefault(r => r.Count != columns.Count) is { } bad)
        {
            throw new ArgumentException($"Each row needs {columns.Count} cells, one per column ({string.Join(", ", columns)}); a row has {bad.Count}.", nameof(rows));
        }
    }

    /// <summary>The column titles.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The cells, row by row.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>
    /// A table of <paramref name="items"/>: one column per public property of their type (per public
    /// field for a value tuple), or one column of their text when the type has neither (numbers, strings).
    /// </summary>
    public static TextTable Of(IEnumerable items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.Cast<object?>().ToList();
        var type = TypeOfItems(items);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);
        if (IsPlain(type) || (properties.Length == 0 && fields.Length == 0))
        {
            return new TextTable(["value"], list.Select(i => (IReadOnlyList<string>)[Text(i)]));
        }

        // A value tuple's elements are fields (Item1, Item2…); any other type shows its properties.
        IReadOnlyList<(string Name, Func<object, object?> Get)> columns = properties.Length > 0
            ? [.. properties.Select(p => (p.Name, (Func<object, object?>)p.GetValue))]
            : [.. fields.Select(f => (f.Name, (Func<object, object?>)f.GetValue))];
        return new TextTable([.. columns.Select(c => c.Name)], list.Select(i => (IReadOnlyList<string>)[.. columns.Select(c => i is null ? "" : Text(c.Get(i)))]));
    }

    /// <summary>The table as aligned text: the titles, a rule, then one line per row.</summary>
    public override string ToString()
    {
        if (Rows.Count == 0)
        {
            return "(no rows)";
        }

        var widths = Columns.Select((h, c) => Rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Line(IEnumerable<string> cells) => string.Join("  ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd();
        var text = new StringBuilder();
        text.AppendLine(Line(Columns));
        text.AppendLine(Line(widths.Select(w => new string('-', w))));
        foreach (var row in Rows)
        {
            text.AppendLine(Line(row));
        }

        return text.ToString().TrimEnd('\n', '\r');
    }

    /// <summary>A value as a cell (null as nothing): sequences as <c>[a, b]</c>, numbers in the invariant culture.</summary>
    internal static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable sequence => "[" + string.Join(", ", sequence.Cast<object?>().Select(i => i is null ? "null" : Text(i))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Whether <paramref name="items"/> hold plain values (numbers, strings…), which read best on one line as <c>[a, b, c]</c>.</summary>
    internal static bool HoldsPlainValues(IEnumerable items) => IsPlain(TypeOfItems(items));

    private static bool IsPlain(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || Nullable.GetUnderlyingType(type) is { } inner && IsPlain(inner);

    private static Type TypeOfItems(IEnumerable items) =>
        ElementType(items.GetType()) ?? items.Cast<object?>().FirstOrDefault(i => i is not null)?.GetType() ?? typeof(object);

    private static Type? ElementType(Type type) => type.IsArray
        ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
