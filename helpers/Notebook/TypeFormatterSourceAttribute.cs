namespace Helpers.Notebook;

/// <summary>
/// .NET Interactive finds formatters by this attribute's name (a convention), so the helpers
/// render as HTML in a notebook without referencing .NET Interactive, even after a plain <c>#r</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The class whose <c>CreateTypeFormatters()</c> returns the formatters.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The MIME types to prefer for the attributed type.</summary>
    public string[]? PreferredMimeTypes { get; set; }
}
