using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>An exception raised in a worker, as it crosses back.</summary>
/// <param name="Type">The exception type's full name.</param>
/// <param name="Message">Its message.</param>
/// <param name="Trace">Its ToString() in the worker: type, message, stack trace.</param>
internal sealed record PoolError(string Type, string Message, string Trace);

/// <summary>
/// The bytes that go between a pool and its workers. Arguments and results are written as arrays
/// of the function's parameter and return types, one array per parameter, so a chunk of a thousand
/// ints is one <c>int[]</c>, not a thousand objects each with its type beside it.
/// A task: <c>[id, function, count, [arguments 1], [arguments 2], …]</c>; a result:
/// <c>[id, [values], null]</c> or <c>[id, null, error]</c>; the stop signal: no bytes.
/// </summary>
internal static class PoolMessages
{
    private static readonly JsonSerializerOptions Options = Reduction.Options;

    /// <summary>Encodes a task whose arguments are given column by column: <paramref name="columns"/>[i] holds parameter i of every call.</summary>
    public static byte[] EncodeTask(long id, int function, Type[] parameterTypes, int count, Array[] columns) => Write(writer =>
    {
        writer.WriteNumberValue(id);
        writer.WriteNumberValue(function);
        writer.WriteNumberValue(count);
        for (var i = 0; i < parameterTypes.Length; i++)
        {
            JsonSerializer.Serialize(writer, columns[i], parameterTypes[i].MakeArrayType(), Options);
        }
    });

    /// <summary>Puts per-call argument lists into per-parameter arrays of the parameter types.</summary>
    public static Array[] Columns(Type[] parameterTypes, IReadOnlyList<object?[]> calls)
    {
        var columns = new Array[parameterTypes.Length];
        for (var p = 0; p < parameterTypes.Length; p++)
        {
            columns[p] = Array.CreateInstance(parameterTypes[p], calls.Count);
            for (var c = 0; c < calls.Count; c++)
            {
                columns[p].SetValue(calls[c][p], c);
            }
        }

        return columns;
    }

    public static (long Id, int Function, int Count, Array[] Columns) DecodeTask(byte[] bytes, Func<int, Target> functions)
    {
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        reader.Read();
        var id = reader.GetInt64();
        reader.Read();
        var function = reader.GetInt32();
        reader.Read();
        var count = reader.GetInt32();
        var types = functions(function).ParameterTypes;
        var columns = new Array[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            reader.Read();
            columns[i] = (Array)JsonSerializer.Deserialize(ref reader, types[i].MakeArrayType(), Options)!;
        }

        return (id, function, count, columns);
    }

    public static byte[] EncodeResult(long id, Type returnType, Array values) => Write(writer =>
    {
        writer.WriteNumberValue(id);
        JsonSerializer.Serialize(writer, values, returnType.MakeArrayType(), Options);
        writer.WriteNullValue();
    });

    public static byte[] EncodeError(long id, PoolError error) => Write(writer =>
    {
        writer.WriteNumberValue(id);
        writer.WriteNullValue();
        JsonSerializer.Serialize(writer, error, Options);
    });

    /// <summary>The task number alone, to find what the rest means.</summary>
    public static long ReadId(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        reader.Read();
        return reader.GetInt64();
    }

    /// <summary>Reads a result: its values as <typeparamref name="TResult"/>, written as <paramref name="returnType"/>; or the error.</summary>
    public static (TResult[]? Values, PoolError? Error) DecodeResult<TResult>(byte[] bytes, Type returnType)
    {
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        reader.Read();
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            reader.Read();
            return (null, JsonSerializer.Deserialize<PoolError>(ref reader, Options));
        }

        returnType = returnType == typeof(void) ? typeof(object) : returnType; // An Action's "result": null, Python's None.
        if (typeof(TResult) == returnType)
        {
            return (JsonSerializer.Deserialize<TResult[]>(ref reader, Options), null);
        }

        var values = (Array)JsonSerializer.Deserialize(ref reader, returnType.MakeArrayType(), Options)!;
        return ([.. values.Cast<object?>().Select(v => (TResult)v!)], null);
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            body(writer);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>How an initializer is called in each new worker.</summary>
internal sealed record PoolInitializer(MethodRef Function, object?[] Args);

/// <summary>
/// The functions a pool's tasks call, written once each into shared memory by the parent and read
/// by the workers as they meet them, so that a task carries a number, not a description.
/// </summary>
internal sealed unsafe class FunctionTable(SharedMemory memory)
{
    /// <summary>Room for a few hundred functions and the notebook cells they need (a sparse file: only what is written takes memory).</summary>
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
    public Target Get(int id)
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

/// <summary>
/// Runs a chunk of calls in a worker. Functions of one or two parameters (map, starmap) are called
/// through a typed delegate over typed arrays: no boxing and no reflection per call, which is most of
/// what a tiny task would otherwise cost. Others go through reflection.
/// </summary>
internal abstract class ChunkRunner
{
    /// <summary>Calls the function once per row of <paramref name="columns"/>; returns the results as an array of the return type.</summary>
    public abstract Array Run(Array[] columns, int count);

    /// <summary>The fastest runner for <paramref name="target"/>.</summary>
    public static ChunkRunner For(Target target)
    {
        var types = target.ParameterTypes;
        var result = target.Method.ReturnType;
        if (result != typeof(void) && types.Length is 1 or 2)
        {
            var signature = types.Length == 1 ? typeof(Func<,>).MakeGenericType(types[0], result) : typeof(Func<,,>).MakeGenericType(types[0], types[1], result);
            var runner = types.Length == 1 ? typeof(Typed<,>).MakeGenericType(types[0], result) : typeof(Typed<,,>).MakeGenericType(types[0], types[1], result);
            return (ChunkRunner)Activator.CreateInstance(runner, target.Method.CreateDelegate(signature, target.Receiver))!;
        }

        return new Reflected(target);
    }

    private sealed class Typed<T, TResult>(Func<T, TResult> function) : ChunkRunner
    {
        public override Array Run(Array[] columns, int count)
        {
            var input = (T[])columns[0];
            var output = new TResult[count];
            for (var i = 0; i < count; i++)
            {
                output[i] = function(input[i]);
            }

            return output;
        }
    }

    private sealed class Typed<T1, T2, TResult>(Func<T1, T2, TResult> function) : ChunkRunner
    {
        public override Array Run(Array[] columns, int count)
        {
            var (first, second) = ((T1[])columns[0], (T2[])columns[1]);
            var output = new TResult[count];
            for (var i = 0; i < count; i++)
            {
                output[i] = function(first[i], second[i]);
            }

            return output;
        }
    }

    private sealed class Reflected(Target target) : ChunkRunner
    {
        public override Array Run(Array[] columns, int count)
        {
            var values = Array.CreateInstance(target.Method.ReturnType == typeof(void) ? typeof(object) : target.Method.ReturnType, count);
            var args = new object?[columns.Length];
            for (var call = 0; call < count; call++)
            {
                for (var p = 0; p < columns.Length; p++)
                {
                    args[p] = columns[p].GetValue(call);
                }

                values.SetValue(target.Invoke(args), call);
            }

            return values;
        }
    }
}

/// <summary>The loop a <see cref="Pool"/> worker process runs (CPython's <c>pool.worker</c>).</summary>
internal static class PoolWorker
{
    /// <summary>
    /// Runs the initializer, then tasks until it gets the stop signal (no bytes) or has done
    /// <paramref name="maxTasks"/> (null: no limit). It writes a task's number into its slot of
    /// <paramref name="busy"/> while the task is still in the queue (under the queue's read lock,
    /// before the message is marked read), so that whenever it dies, the parent knows the task to
    /// fail: the slot names it and it is no longer at the head of the queue (the parent checks), or
    /// it is still there and another worker runs it; never both.
    /// </summary>
    public static void Serve(Queue<byte[]> tasks, Queue<byte[]> results, Array<long> busy, SharedMemory functions, int slot, int? maxTasks, PoolInitializer? initializer)
    {
        if (initializer is not null)
        {
            _ = initializer.Function.Find().Invoke(initializer.Args);
        }

        var table = new FunctionTable(functions);
        for (var done = 0; maxTasks is null || done < maxTasks; done++)
        {
            _ = tasks.TryGet(out var bytes, block: true, timeout: null, claim: b => busy[slot] = b.Length > 0 ? PoolMessages.ReadId(b) : 0);
            if (bytes is not { Length: > 0 })
            {
                return;
            }

            results.Put(Run(table, busy[slot], bytes));
            busy[slot] = 0;
        }
    }

    private static byte[] Run(FunctionTable table, long id, byte[] bytes)
    {
        Array values;
        try
        {
            var (_, function, count, columns) = PoolMessages.DecodeTask(bytes, table.Get);
            values = table.RunnerOf(function).Run(columns, count);
        }
        catch (Exception e)
        {
            return PoolMessages.EncodeError(id, new PoolError(e.GetType().FullName ?? e.GetType().Name, e.Message, e.ToString()));
        }

        try
        {
            return PoolMessages.EncodeResult(id, values.GetType().GetElementType()!, values);
        }
        catch (Exception e) when (Reduction.IsRefusal(e))
        {
            // A result that cannot be sent back fails this task only.
            return PoolMessages.EncodeError(id, new PoolError(
                typeof(MaybeEncodingException).FullName!, $"The task's result cannot be sent back from the worker: {e.Message}", e.ToString()));
        }
    }
}
