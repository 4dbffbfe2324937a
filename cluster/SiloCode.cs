using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Helpers.Multiprocessing;

namespace Helpers.Cluster;

/// <summary>
/// A function's code on its way to the silos: in the notebook, the bundle a function needs
/// (<see cref="For"/>); on a silo, the bundles installed so far, by content hash.
/// </summary>
/// <remarks>
/// A notebook cell's function needs the images of its cell and the earlier ones (the same export a
/// child <c>Process</c> gets, <c>helpers/Notebook/CellAssemblies.cs</c>); a compiled function needs
/// its assembly, sent as bytes so that a silo on another machine can load it. The helpers and
/// Orleans are on every silo already. Assemblies a cell refers to by file (<c>#r</c>) travel as
/// their path: on another machine they must be at the same place.
/// </remarks>
internal static class SiloCode
{
    private static readonly ConcurrentDictionary<string, bool> Installed = new();
    private static readonly System.Threading.Lock Gate = new();

    /// <summary>How many bundles this silo has installed (each once).</summary>
    public static int Count => Installed.Count;

    /// <summary>In the notebook: the code <paramref name="target"/> needs, named by its hash.</summary>
    public static CodeBundle For(Target target)
    {
        var assembly = target.Method.DeclaringType!.Assembly;
        CodePart[] parts;
        if (Assemblies.IsInMemory(assembly))
        {
            // Target.FromDelegate has exported the cells already (Assemblies.CheckLoadable).
            parts = [.. Assemblies.ExportedFor(assembly).Select(s => new CodePart(s.Name, s.Path, s.Image, s.Symbols, s.Slot))];
        }
        else if (assembly == typeof(Mp).Assembly || assembly == typeof(SiloCode).Assembly)
        {
            parts = [];
        }
        else
        {
            parts = [new CodePart(assembly.GetName().Name!, null, File.ReadAllBytes(assembly.Location), null, 0)];
        }

        return new CodeBundle(HashOf(parts), parts);
    }

    /// <summary>On a silo: whether the bundle named <paramref name="hash"/> is installed.</summary>
    public static bool Has(string hash) => Installed.ContainsKey(hash);

    /// <summary>On a silo: installs <paramref name="bundle"/> unless it is there already.</summary>
    /// <exception cref="ArgumentException">The content does not match its hash.</exception>
    public static void Install(CodeBundle bundle)
    {
        lock (Gate)
        {
            if (Installed.ContainsKey(bundle.Hash))
            {
                return;
            }

            if (HashOf(bundle.Parts) != bundle.Hash)
            {
                throw new ArgumentException($"The code bundle {bundle.Hash[..12]}… arrived altered: its content does not match its hash.", nameof(bundle));
            }

            Assemblies.Install([.. bundle.Parts.Select(p => new AssemblySource(p.Name, p.Path, p.Image, p.Symbols, p.Slot))]);
            Installed[bundle.Hash] = true;
        }
    }

    private static string HashOf(CodePart[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{part.Name}\n{part.Path}\n{part.Slot}\n"));
            hash.AppendData(part.Image ?? []);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

/// <summary>
/// On a silo: runs a chunk of calls as a <c>Pool</c> worker does (<see cref="ChunkRunner.Answer"/>):
/// the same decoding, typed runners, result encoding and error envelope.
/// </summary>
internal static class ChunkRun
{
    private static readonly ConcurrentDictionary<string, ChunkRunner> Runners = new();

    /// <summary>Runs every call of <paramref name="request"/>; the first exception stops the chunk and is returned.</summary>
    public static ChunkReply Run(ChunkRequest request, WorkerInfo here) => new(here, NeedCode: false, ChunkRunner.Answer(
        PoolMessages.ReadId(request.Task), request.Task, _ => RunnerOf(request.Function), "silo", Trace));

    private static ChunkRunner RunnerOf(string function) =>
        Runners.GetOrAdd(function, f => ChunkRunner.For(JsonSerializer.Deserialize<MethodRef>(f, Reduction.Options)!.Find()));

    private static string Trace(Exception e) => Traceback.Format(
        e, "at Helpers.Multiprocessing.Target.Invoke(", "at Helpers.Multiprocessing.ChunkRunner", "at Helpers.Cluster.", "at Orleans.", "at InvokeStub_");
}
