using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>An exception raised in a worker, as it crosses back.</summary>
/// <param name="Type">The exception type's full name.</param>
/// <param name="Message">Its message.</param>
/// <param name="Trace">Its ToString() in the worker: type, message, stack trace.</param>
internal sealed record PoolError(string Type, string Message, string Trace);

/// <summary>
/// The bytes that go between a pool and its workers, for every back end (a <see cref="Pool"/>'s
/// queues, a cluster's grain calls). Arguments and results are written as arrays
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

    /// <summary>Decodes a task after its number, which the worker has read already (<see cref="ReadId"/>, while claiming it).</summary>
    /// <param name="bytes">The task message.</param>
    /// <param name="runners">What runs the function of a given number (its parameter types decode the columns).</param>
    public static (ChunkRunner Runner, int Count, Array[] Columns) DecodeTask(byte[] bytes, Func<int, ChunkRunner> runners)
    {
        var reader = new Utf8JsonReader(bytes);
        reader.Read();
        reader.Read(); // The task number: skipped, not parsed again.
        reader.Read();
        var runner = runners(reader.GetInt32());
        reader.Read();
        var count = reader.GetInt32();
        var types = runner.Target.ParameterTypes;
        var columns = new Array[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            reader.Read();
            columns[i] = (Array)JsonSerializer.Deserialize(ref reader, types[i].MakeArrayType(), Options)!;
        }

        return (runner, count, columns);
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
