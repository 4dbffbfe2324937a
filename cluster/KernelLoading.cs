using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Helpers.Cluster;

/// <summary>
/// Lets Orleans find its own assemblies in a notebook kernel. At start Orleans loads each of its
/// assemblies again by simple name, without a version (<c>ReferencedAssemblyProvider</c>); in a
/// kernel they were loaded by <c>#r</c> into Roslyn's script load context, whose resolver refuses a
/// second, version-less request for an unsigned assembly it already holds ("A different assembly
/// with the same name can't be loaded unless it's signed"). The default context is asked first, so
/// answering there with the assembly already loaded avoids the refusal.
/// </summary>
internal static class KernelLoading
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must be in place before any Orleans code of this assembly runs, however the notebook first reaches it.")]
    internal static void Install() => AssemblyLoadContext.Default.Resolving += (_, name) => name.Version is null
        ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.GetName().Name == name.Name)
        : null;
}
