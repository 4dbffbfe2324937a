using System.Reflection;
using System.Runtime.CompilerServices;
using Helpers.Exercises;
using Helpers.Multiprocessing;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Formatting;

namespace Helpers.Notebook;

/// <summary>
/// Connects the helpers to a .NET Interactive C# kernel, when one is in the process: a plain
/// <c>#r "Helpers.dll"</c> runs no kernel extension, so this hooks in when the assembly loads.
/// Without a kernel (a console app, a test) nothing here runs, and no .NET Interactive assembly
/// is ever loaded.
/// </summary>
internal static class KernelGlue
{
    private const string KernelAssembly = "Microsoft.DotNet.Interactive.CSharp";
    private static int installed;

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "A plain #r runs no extension; this is the only hook.")]
    internal static void OnLoad()
    {
        if (AppDomain.CurrentDomain.GetAssemblies().Any(IsKernel))
        {
            InstallIfInKernel();
        }
        else
        {
            AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
            {
                if (IsKernel(e.LoadedAssembly))
                {
                    InstallIfInKernel();
                }
            };
        }
    }

    // Its display name's text, which for this simple name needs no escaping: this runs as every
    // process that loads Helpers.dll starts (every child), where an AssemblyName would load ICU.
    private static bool IsKernel(Assembly assembly) =>
        assembly.FullName is { } name && name.StartsWith(KernelAssembly + ",", StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.NoInlining)] // Keeps .NET Interactive types out of OnLoad.
    private static void InstallIfInKernel()
    {
        Assemblies.InMemoryCode = new CellAssemblies(FindKernel);

        // XPlot.Plotly ships beside Helpers.dll in bin/, and the notebooks #r it from there: the
        // same file, so registering its formatter now (which loads it) serves their charts.
        RegisterCharts();

        // The convention formatter covers a Process; a list of processes (ActiveChildren(), an array)
        // has no attribute to carry one, so it is registered here.
        Formatter.Register<IEnumerable<Process>>((processes, writer) => writer.Write(ProcessFormatter.ToHtml([.. processes])), HtmlFormatter.MimeType);
        TableFormatter.Register();

        // An exercise's verdict: a small card, and its text with the ✓/✗ marker for programs.
        Formatter.Register<Verdict>((verdict, writer) => writer.Write(verdict.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<Verdict>((verdict, writer) => writer.Write(verdict.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(Verdict), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        if (KernelInvocationContext.Current is { } context && Interlocked.Exchange(ref installed, 1) == 0)
        {
            var root = context.HandlingKernel?.RootKernel ?? context.HandlingKernel!;
            CellOutput.Install(root, context);
            CellInterrupt.Install(root);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // Keeps XPlot types out of the callers.
    private static void RegisterCharts() => ChartFormatter.Register();

    private static CSharpKernel? FindKernel() =>
        KernelInvocationContext.Current?.HandlingKernel as CSharpKernel
        ?? KernelInvocationContext.Current?.HandlingKernel?.RootKernel.FindKernelByName("csharp") as CSharpKernel;
}
