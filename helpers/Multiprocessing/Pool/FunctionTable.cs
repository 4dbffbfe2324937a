using System.Buffers.Binary;
using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>
/// The functions a pool's tasks call, written once each into shared memory by the parent and read
/// by the workers as they meet them, so that a task carries a number, not a description.
/// </summary>
internal sealed unsafe class FunctionTable(SharedMemory memory)
{
    /// <summary>Room for a few hundred functions and the notebook cells they need (on Linux and macOS a sparse file: only what is written takes memory; on Windows the mapping is committed whole).</summary>
    public const int Size = 64 << 20;

    private readonly Dictionary<int, Target> known = [];
    private readonly Dictionary<int, ChunkRunner> runners = [];
    private readonly HashSet<string> written = [];
    private int added;
    private int readUpTo = sizeof(int);

    private ref int Used => ref *(int*)memory.Address;

    /// <summary>In the parent: appends a function and returns its number. The caller keeps the numbers of those already added.</summary>
    public int Add(Target target)
    {
        var id = ++added;
        // Workers started before this function's notebook cell existed get the cell from here.
        var cells = Assemblies.ExportedFor(target.Method.DeclaringType!.Assembly).Where(a => a.Image is not null && written.Add(a.Name)).ToList();
        var description = JsonSerializer.SerializeToUtf8Bytes(
            new FunctionDescription(target.Ref, cells), Reduction.Options);
        var at = Math.Max(Used, sizeof(int));
        if (at + (2 * sizeof(int)) + description.Length > Size)
        {
            throw new InvalidOperationException("This pool has been given too many different functions; create a new Pool.");
        }

        var span = memory.Span;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], id);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + sizeof(int))..], description.Length);
        description.CopyTo(span[(at + (2 * sizeof(int)))..]);
        Volatile.Write(ref Used, at + (2 * sizeof(int)) + description.Length); // Published before any task that uses it is put.
        return id;
    }

    /// <summary>In a worker: the function numbered <paramref name="id"/>, reading new entries when needed.</summary>
    private Target Get(int id)
    {
        if (known.TryGetValue(id, out var target))
        {
            return target;
        }

        var used = Volatile.Read(ref Used);
        var span = memory.Span;
        while (readUpTo < used)
        {
            var entry = BinaryPrimitives.ReadInt32LittleEndian(span[readUpTo..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[(readUpTo + sizeof(int))..]);
            var description = JsonSerializer.Deserialize<FunctionDescription>(span.Slice(readUpTo + (2 * sizeof(int)), length), Reduction.Options)!;
            Assemblies.Install(description.Cells);
            known[entry] = description.Function.Find();
            readUpTo += (2 * sizeof(int)) + length;
        }

        return known.TryGetValue(id, out target) ? target : throw new InvalidOperationException($"Pool function {id} is unknown to this worker.");
    }

    /// <summary>In a worker: what runs a chunk of calls to function <paramref name="id"/>.</summary>
    public ChunkRunner RunnerOf(int id) =>
        runners.TryGetValue(id, out var runner) ? runner : runners[id] = ChunkRunner.For(Get(id));

    private sealed record FunctionDescription(MethodRef Function, List<AssemblySource> Cells);
}
