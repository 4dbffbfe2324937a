using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using Helpers.Multiprocessing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.DotNet.Interactive.CSharp;

namespace Helpers.Notebook;

/// <summary>
/// Makes code written in notebook cells loadable by a child process. The C# kernel compiles each
/// cell into an in-memory Roslyn script submission; its <c>ScriptState</c> keeps the chain of
/// submissions, and each one's compilation can be emitted again as an assembly image. Each
/// submission is emitted once and reused.
/// </summary>
internal sealed class CellAssemblies(Func<CSharpKernel?> findKernel) : IInMemoryCode
{
    private static readonly string RuntimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
    private static readonly ConcurrentDictionary<string, AssemblySource> Emitted = new();

    /// <inheritdoc/>
    public IReadOnlyList<AssemblySource> Export(Assembly assembly, string what)
    {
        var chain = Chain(what);
        var index = IndexOf(chain, assembly, what);
        var sources = new List<AssemblySource>();
        var slot = 0;
        foreach (var compilation in chain.Take(index + 1))
        {
            // Roslyn emits nothing for a cell without code (only usings or #r), and gives it no slot.
            if (HasCode(compilation))
            {
                slot++;
                sources.Add(Emitted.GetOrAdd(compilation.AssemblyName!, (_, s) => Emit(compilation, s), slot));
            }

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

    /// <inheritdoc/>
    public void CheckCallableAlone(MethodInfo method, string what)
    {
        var chain = Chain(what);
        var compilation = chain[IndexOf(chain, method.DeclaringType!.Assembly, what)];
        var parameters = method.GetParameters().Select(p => p.Name).ToList();
        var symbol = compilation.ScriptClass?.GetMembers(method.Name).OfType<IMethodSymbol>()
            .FirstOrDefault(m => m.Parameters.Select(p => p.Name).SequenceEqual(parameters));
        if (symbol is not null && CellVariables.FirstRead(chain, symbol) is { } read)
        {
            throw new ArgumentException(
                $"{what} reads the notebook variable '{read.Variable}'{(read.Via is null ? "" : $" (through {read.Via})")}, " +
                "and a child process has none of the notebook's variables. Pass the value as an argument instead: " +
                $"add a parameter to {what} and give it to new Process(...).");
        }
    }

    private List<Compilation> Chain(string what)
    {
        var kernel = findKernel() ?? throw new ArgumentException($"{what} is defined in a notebook cell, but no C# kernel is running it.");
        var chain = new List<Compilation>();
        for (var script = kernel.ScriptState?.Script; script is not null; script = script.Previous)
        {
            chain.Add(script.GetCompilation());
        }

        chain.Reverse();
        return chain;
    }

    private static int IndexOf(List<Compilation> chain, Assembly assembly, string what)
    {
        var name = assembly.GetName().Name;
        var index = chain.FindIndex(c => c.AssemblyName == name);
        return index >= 0 ? index : throw new ArgumentException(
            $"{what} is defined in the cell that is running now, and a child process can only load cells that have " +
            "finished running. Move the definition to an earlier cell, run that cell, then start the process here.");
    }

    private static bool HasCode(Compilation compilation) =>
        compilation.SyntaxTrees.Any(t => t.GetRoot() is CompilationUnitSyntax { Members.Count: > 0 });

    private static AssemblySource Emit(Compilation compilation, int slot)
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

        return new AssemblySource(compilation.AssemblyName!, Image: image.ToArray(), Symbols: symbols.ToArray(), Slot: slot);
    }
}
