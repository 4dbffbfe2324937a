using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace Helpers.Notebook;

/// <summary>Progress shown in the running cell, or on the console outside a notebook.</summary>
public static class CellProgress
{
    /// <summary>
    /// A line of text shown in the cell that is running when it is called, which later calls from
    /// that cell replace: pass it as <see cref="Helpers.Measure.Speedup.Measure"/>'s progress. Used from another
    /// cell, it starts a line there. Outside a notebook it writes to the console.
    /// </summary>
    public static Action<string> Line() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => Helpers.Multiprocessing.Assemblies.SimpleName(a) == "Microsoft.DotNet.Interactive") ? InKernel() : Console.WriteLine;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // Keeps kernel types out of a console app.
    private static Action<string> InKernel()
    {
        (KernelInvocationContext Cell, DisplayedValue Line)? shown = null;
        return text =>
        {
            if (KernelInvocationContext.Current is not { } context)
            {
                Console.WriteLine(text);
            }
            else if (shown is { } s && ReferenceEquals(s.Cell, context))
            {
                s.Line.Update(text);
            }
            else
            {
                shown = (context, KernelInvocationContextExtensions.Display(context, text, "text/plain"));
            }
        };
    }
}
