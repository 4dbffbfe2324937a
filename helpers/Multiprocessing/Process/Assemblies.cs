using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Helpers.Multiprocessing;

/// <summary>
/// Where a child finds the code it runs. CPython's spawn hands the child its <c>sys.path</c> and
/// re-imports the main module; a .NET child is handed the assemblies its parent has loaded: files
/// by path, and assemblies that exist only in memory (notebook cells) as images.
/// </summary>
internal static class Assemblies
{
    private static readonly string RuntimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyList<AssemblySource>> Exported = new();

    /// <summary>The host that compiles code in memory, if any: the notebook glue sets it when a C# kernel is present.</summary>
    public static IInMemoryCode? InMemoryCode { get; set; }

    /// <summary>In a child: the notebook cells the parent sent, as <see cref="Submissions"/> recreates them.</summary>
    public static IReadOnlyList<AssemblySource> Submissions { get; private set; } = [];

    /// <summary>The simple name of <paramref name="assembly"/>, as <c>GetName().Name</c> gives it.</summary>
    /// <remarks>
    /// Read from the display name's text when it needs no unescaping: <c>GetName()</c> builds the
    /// assembly's <see cref="System.Globalization.CultureInfo"/>, whose first use loads ICU, about
    /// 15 ms of CPU that a child whose target formats no text would otherwise pay on every start.
    /// </remarks>
    public static string? SimpleName(Assembly assembly)
    {
        var display = assembly.FullName.AsSpan();
        var comma = display.IndexOf(',');
        var name = comma < 0 ? display : display[..comma];
        // A display name escapes \ , = " ' and quotes a name with spaces at its ends: such a name is left to AssemblyName.
        return name.IsEmpty || name.IndexOfAny('\\', '"', '\'') >= 0 || name.Contains('=') || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1])
            ? assembly.GetName().Name
            : name.ToString();
    }

    /// <summary>True for an assembly that has no file a child could load.</summary>
    public static bool IsInMemory(Assembly assembly) => assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location);

    /// <summary>
    /// Makes sure a child can load <paramref name="assembly"/>, where <paramref name="what"/> is
    /// needed; exports it once if it exists only in memory.
    /// </summary>
    /// <exception cref="ArgumentException">It cannot be loaded by another process; the message says what to do.</exception>
    public static void CheckLoadable(Assembly assembly, string what)
    {
        if (!IsInMemory(assembly) || Exported.ContainsKey(assembly))
        {
            return;
        }

        var host = InMemoryCode ?? throw new ArgumentException(
            $"{what} is defined in an in-memory assembly ('{SimpleName(assembly)}') that a child process " +
            "cannot load. Define it in compiled code, or in an earlier cell of a .NET Interactive notebook.");
        Exported.TryAdd(assembly, host.Export(assembly, what));
    }

    /// <summary>What a child started now needs: every assembly this process loaded from a file, and the exported in-memory ones.</summary>
    public static List<AssemblySource> ForChild()
    {
        var byName = new Dictionary<string, AssemblySource>();
        foreach (var exported in Exported.Values.SelectMany(e => e))
        {
            byName.TryAdd(exported.Name, exported);
        }

        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!IsInMemory(assembly) && !assembly.Location.StartsWith(RuntimeDirectory, StringComparison.Ordinal)
                && SimpleName(assembly) is { } name)
            {
                byName.TryAdd(name, new AssemblySource(name, assembly.Location));
            }
        }

        return [.. byName.Values];
    }

    private static readonly ConcurrentDictionary<string, AssemblySource> Sent = new();
    private static readonly ConcurrentDictionary<string, bool> Folders = new();
    private static int installed;

    /// <summary>
    /// In a child: resolve assemblies from what the parent sent, then from the folders of the files it
    /// sent. Called again with more (a pool worker meeting a function from a newer notebook cell).
    /// </summary>
    public static void Install(IReadOnlyList<AssemblySource> sources)
    {
        foreach (var source in sources)
        {
            // A source that carries its code (a file, an image) is the one to load; one that only names
            // an assembly (a spare loaded it already) never replaces one that carries it.
            if (source.Path is not null || source.Image is not null)
            {
                Sent[source.Name] = source;
            }
            else
            {
                Sent.TryAdd(source.Name, source);
            }
            if (source.Path is not null)
            {
                Folders.TryAdd(Path.GetDirectoryName(source.Path)!, true);
            }
        }

        Submissions = [.. Sent.Values.Where(s => s.Slot > 0).OrderBy(s => s.Slot)];
        if (Interlocked.Exchange(ref installed, 1) == 1)
        {
            return;
        }

        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name is null)
            {
                return null;
            }

            if (Sent.TryGetValue(name.Name, out var source) && LoadSent(context, source) is { } sent)
            {
                return sent;
            }

            var file = Folders.Keys.Select(f => Path.Combine(f, name.Name + ".dll")).FirstOrDefault(File.Exists);
            return file is null ? null : context.LoadFromAssemblyPath(file);
        };
    }

    /// <summary>The in-memory assemblies <paramref name="assembly"/> needs, as exported for children (none for a file).</summary>
    public static IReadOnlyList<AssemblySource> ExportedFor(Assembly assembly) =>
        Exported.TryGetValue(assembly, out var sources) ? sources : [];

    /// <summary>Finds a loaded assembly by simple name, or loads it.</summary>
    /// <remarks>
    /// One the parent sent, which the application's own list does not name, is loaded from what was
    /// sent, as the <c>Resolving</c> handler would: asking the runtime by name first would build an
    /// <see cref="AssemblyName"/> for that event, and with it the ICU that <see cref="SimpleName"/> avoids.
    /// </remarks>
    public static Assembly Load(string simpleName) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => SimpleName(a) == simpleName)
        ?? (Sent.TryGetValue(simpleName, out var source) && !Application.Value.Contains(simpleName) ? LoadSent(AssemblyLoadContext.Default, source) : null)
        ?? AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName { Name = simpleName });

    // The simple names the runtime binds itself (the framework's and the application's own, its
    // trusted platform assemblies): those are never taken from what the parent sent.
    private static readonly Lazy<HashSet<string>> Application = new(() =>
        [.. (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFileNameWithoutExtension).OfType<string>()]);

    // What the parent sent: an image, a file, or (a name a spare loaded already) nothing to load.
    private static Assembly? LoadSent(AssemblyLoadContext context, AssemblySource source) =>
        source.Image is { } image ? context.LoadFromStream(new MemoryStream(image), source.Symbols is { } pdb ? new MemoryStream(pdb) : null)
        : source.Path is { } path ? context.LoadFromAssemblyPath(path)
        : null;
}

/// <summary>An assembly as a child receives it: a file path, or an in-memory image with optional symbols.</summary>
/// <param name="Name">The assembly's simple name.</param>
/// <param name="Path">The file to load, for an assembly on disk.</param>
/// <param name="Image">The PE image, for an assembly that exists only in memory.</param>
/// <param name="Symbols">The portable PDB of <paramref name="Image"/>, for line numbers in stack traces.</param>
/// <param name="Slot">For a notebook cell, its script submission slot (1, 2, …); 0 for any other assembly.</param>
internal sealed record AssemblySource(string Name, string? Path = null, byte[]? Image = null, byte[]? Symbols = null, int Slot = 0);
