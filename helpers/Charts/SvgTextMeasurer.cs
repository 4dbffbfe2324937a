using OxyPlot;

namespace Helpers.Charts;

/// <summary>
/// Measures text for OxyPlot's SVG export without System.Drawing or a font file: Helvetica's
/// metrics from OxyPlot's own PDF context (which answers in points, so scaled to the SVG's pixels),
/// and wide characters (Chinese, Japanese, Korean) as one em each, which that context would
/// measure as nothing. Only measuring is needed: the exporter draws the SVG itself.
/// </summary>
/// <remarks>
/// A browser without Arial or Helvetica (Linux's usual fonts, DejaVu Sans first) draws Latin text
/// up to about 15 % wider than Helvetica's metrics say, so they are widened by that much: a legend
/// or a lane's name then keeps its last letters inside the image.
/// </remarks>
internal sealed class SvgTextMeasurer : RenderContextBase
{
    private const double PixelsPerPoint = 96.0 / 72.0, WidestFallback = 1.15;
    private readonly PdfRenderContext latin = new(100, 100, OxyColors.White);

    /// <inheritdoc/>
    public override int ClipCount => 0;

    /// <inheritdoc/>
    public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
    {
        ArgumentNullException.ThrowIfNull(text);
        var wide = text.Count(c => c >= '\u1100' && !char.IsLowSurrogate(c));
        var narrow = new string([.. text.Where(c => c < '\u1100' || char.IsLowSurrogate(c))]);
        var size = latin.MeasureText(narrow.Length > 0 ? narrow : "X", fontFamily, fontSize, fontWeight);
        return new OxySize((narrow.Length > 0 ? size.Width * WidestFallback : 0) * PixelsPerPoint + (wide * fontSize), size.Height * PixelsPerPoint);
    }

    /// <inheritdoc/>
    public override void DrawLine(IList<ScreenPoint> points, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
    {
    }

    /// <inheritdoc/>
    public override void DrawPolygon(IList<ScreenPoint> points, OxyColor fill, OxyColor stroke, double thickness, EdgeRenderingMode edgeRenderingMode, double[]? dashArray, LineJoin lineJoin)
    {
    }

    /// <inheritdoc/>
    public override void DrawText(ScreenPoint p, string text, OxyColor fill, string fontFamily, double fontSize, double fontWeight, double rotation, HorizontalAlignment halign, VerticalAlignment valign, OxySize? maxSize)
    {
    }

    /// <inheritdoc/>
    public override void PushClip(OxyRect clippingRectangle)
    {
    }

    /// <inheritdoc/>
    public override void PopClip()
    {
    }
}
