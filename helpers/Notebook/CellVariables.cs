using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Helpers.Notebook;

/// <summary>
/// Finds the notebook variables a cell's function reads. A variable declared at the top level of a
/// cell is a field of that cell's script class; a child process recreates the cells without running
/// them, so such a field would silently hold its default value there. Reading one is refused instead.
/// </summary>
internal static class CellVariables
{
    /// <summary>The first notebook variable <paramref name="function"/> reads, directly or through the cell functions it calls.</summary>
    /// <param name="chain">The kernel's submissions, oldest first.</param>
    /// <param name="function">A top-level function of a cell.</param>
    /// <returns>The variable and, when read indirectly, the function that reads it; or <see langword="null"/>.</returns>
    public static (string Variable, string? Via)? FirstRead(IReadOnlyList<Compilation> chain, IMethodSymbol function)
    {
        var pending = new Queue<IMethodSymbol>([function]);
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { function };
        while (pending.TryDequeue(out var method))
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var body = reference.GetSyntax();
                var owner = chain.FirstOrDefault(c => c.SyntaxTrees.Contains(body.SyntaxTree));
                if (owner is null)
                {
                    continue;
                }

                var model = owner.GetSemanticModel(body.SyntaxTree);
                foreach (var name in body.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    switch (model.GetSymbolInfo(name).Symbol)
                    {
                        case IFieldSymbol { IsConst: false, IsStatic: false } field when field.ContainingType.IsScriptClass:
                            return (field.Name, Via(method, function));
                        case IPropertySymbol { IsStatic: false } property when property.ContainingType.IsScriptClass:
                            return (property.Name, Via(method, function));
                        case IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary } called
                            when called.ContainingType?.IsScriptClass == true && seen.Add(called.OriginalDefinition):
                            pending.Enqueue(called.OriginalDefinition);
                            break;
                    }
                }
            }
        }

        return null;
    }

    private static string? Via(IMethodSymbol method, IMethodSymbol function) =>
        SymbolEqualityComparer.Default.Equals(method, function) ? null : $"'{method.Name}'";
}
