using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using Helpers.Multiprocessing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.DotNet.Interactive.CSharp;

namespace Helpers.Notebook;

/// <summary>
/// Makes code written in notebook cells loadable by a child process. The C# kernel compiles each
/// cell into an in-memory Roslyn script submission; its <c>ScriptState</c> keeps the chain of
/// submissions, and each one's compilation can be emitted again as an assembly image. Each
/// submission is emitted once and reused.
/// </summary>
internal static class CellAssemblies
{
    private static readonly string RuntimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
    private static readonly ConcurrentDictionary<string, AssemblySource> Emitted = new();

    /// <summary>
    /// The images of the submission that defines <paramref name="assembly"/> and of every earlier
    /// one (a submission refers to all before it), plus the files the cells referenced with <c>#r</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The assembly is the cell running now, or no C# kernel holds it.</exception>
    public static IReadOnlyList<AssemblySource> Export(CSharpKernel kernel, Assembly assembly, string what)
    {
        var name = assembly.GetName().Name;
        var chain = new List<Compilation>();
        for (var script = kernel.ScriptState?.Script; script is not null; script = script.Previous)
        {
            chain.Add(script.GetCompilation());
        }

        chain.Reverse();
        var index = chain.FindIndex(c => c.AssemblyName == name);
        if (index < 0)
        {
            throw new ArgumentException(
                $"{what} is defined in the cell that is running now, and a child process can only load cells that have " +
                "finished running. Move the definition to an earlier cell, run that cell, then start the process here.");
        }

        var sources = new List<AssemblySource>();
        foreach (var compilation in chain.Take(index + 1))
        {
            sources.Add(Emitted.GetOrAdd(compilation.AssemblyName!, _ => Emit(compilation)));
            foreach (var reference in compilation.References.OfType<PortableExecutableReference>())
            {
                if (reference.FilePath is { } path && !path.StartsWith(RuntimeDirectory, StringComparison.Ordinal))
                {
                    sources.Add(new AssemblySource(Path.GetFileNameWithoutExtension(path), path));
                }
            }
        }

        return sources;
    }

    private static AssemblySource Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
        {
            throw new InvalidOperationException(
                $"Could not emit notebook cell {compilation.AssemblyName} for a child process: " +
                string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return new AssemblySource(compilation.AssemblyName!, Image: image.ToArray(), Symbols: symbols.ToArray());
    }
}
