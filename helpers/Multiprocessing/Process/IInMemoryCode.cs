using System.Reflection;

namespace Helpers.Multiprocessing;

/// <summary>
/// What a host that compiles code in memory (the notebook's C# kernel) supplies so that a child
/// process can run that code. The core knows nothing of the host; the notebook glue sets
/// <see cref="Assemblies.InMemoryCode"/>.
/// </summary>
internal interface IInMemoryCode
{
    /// <summary>
    /// The images of <paramref name="assembly"/> and of everything it depends on that exists only in
    /// memory, in the order they were compiled, plus the files they reference.
    /// </summary>
    /// <param name="assembly">The in-memory assembly a child needs.</param>
    /// <param name="what">What needs it, for messages (<c>'Work'</c>).</param>
    /// <exception cref="ArgumentException">It cannot be exported; the message says what to do.</exception>
    IReadOnlyList<AssemblySource> Export(Assembly assembly, string what);

    /// <summary>
    /// Checks that a method written at the top level of a notebook cell can run in a child, which
    /// has none of the notebook's variables: it must not read them, directly or through the cell
    /// methods it calls.
    /// </summary>
    /// <param name="method">An instance method of a cell's submission class.</param>
    /// <param name="what">The method's name, for messages.</param>
    /// <exception cref="ArgumentException">It reads a notebook variable; the message names it.</exception>
    void CheckCallableAlone(MethodInfo method, string what);
}
