using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Helpers.Multiprocessing;

/// <summary>
/// The JSON of the wire's two lines, the <see cref="SpawnRequest"/> and a spare's list of
/// <see cref="AssemblySource"/>s, written and read token by token.
/// </summary>
/// <remarks>
/// Not <see cref="JsonSerializer"/>, not even source-generated: a child reads its request before
/// anything else, and measured here (tests/Benchmarks <c>--phases</c>) the serializer's metadata for
/// these records (a converter and property info per type, generic over the records' own value types,
/// so none of it is precompiled in the framework) cost a cold child 40–55 ms, more than the rest of
/// its reading together; <see cref="Utf8JsonReader"/> over the line costs about a millisecond.
/// The shape is the records' own: property names as declared, <see langword="null"/>s left out, a
/// pickled value as the JSON value it is, images as base64.
/// </remarks>
internal static partial class Wire
{
    // Room for the request's own levels above a pickled value as deep as Reduction allows.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = Reduction.MaxDepth + 8 };

    /// <summary>The request as one line of JSON (without its newline).</summary>
    public static string WriteRequest(SpawnRequest request) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString(nameof(SpawnRequest.Identity), request.Identity);
        writer.WriteString(nameof(SpawnRequest.Name), request.Name);
        writer.WriteBoolean(nameof(SpawnRequest.Daemon), request.Daemon);
        writer.WriteNumber(nameof(SpawnRequest.ParentPid), request.ParentPid);
        writer.WriteString(nameof(SpawnRequest.ParentName), request.ParentName);
        writer.WriteString(nameof(SpawnRequest.Nonce), request.Nonce);
        writer.WritePropertyName(nameof(SpawnRequest.Assemblies));
        WriteAssemblies(writer, request.Assemblies);
        writer.WritePropertyName(nameof(SpawnRequest.Type));
        WriteType(writer, request.Type);
        if (request.Method is not null)
        {
            writer.WriteString(nameof(SpawnRequest.Method), request.Method);
        }

        if (request.ParameterTypes is not null)
        {
            writer.WriteStartArray(nameof(SpawnRequest.ParameterTypes));
            foreach (var name in request.ParameterTypes)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
        }

        if (request.Args is not null)
        {
            writer.WriteStartArray(nameof(SpawnRequest.Args));
            foreach (var arg in request.Args)
            {
                writer.WriteRawValue(arg.Json, skipInputValidation: true); // Reduction's own output: valid JSON.
            }

            writer.WriteEndArray();
        }

        if (request.State is not null)
        {
            writer.WriteStartObject(nameof(SpawnRequest.State));
            foreach (var (key, value) in request.State)
            {
                writer.WritePropertyName(key);
                writer.WriteRawValue(value.Json, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        if (request.Timeline is { } timeline)
        {
            writer.WriteStartObject(nameof(SpawnRequest.Timeline));
            writer.WriteString(nameof(timeline.Name), timeline.Name);
            writer.WriteNumber(nameof(timeline.Size), timeline.Size);
            writer.WriteNumber(nameof(timeline.StartId), timeline.StartId);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    });

    /// <summary>Reads a request written by <see cref="WriteRequest"/>.</summary>
    /// <exception cref="JsonException">The line is not such a request (the message says what is wrong).</exception>
    public static SpawnRequest ReadRequest(string line) => Checked(() => ReadRequest(Encoding.UTF8.GetBytes(line)));

    private static SpawnRequest ReadRequest(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        Expect(ref reader, JsonTokenType.StartObject, "the request");
        string? identity = null, name = null, parentName = null, nonce = null, method = null;
        bool? daemon = null;
        int? parentPid = null;
        List<AssemblySource>? assemblies = null;
        TypeRef? type = null;
        string[]? parameterTypes = null;
        Pickled[]? args = null;
        Dictionary<string, Pickled>? state = null;
        Tracing.TimelineRef? timeline = null;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case nameof(SpawnRequest.Identity): identity = reader.GetString(); break;
                case nameof(SpawnRequest.Name): name = reader.GetString(); break;
                case nameof(SpawnRequest.Daemon): daemon = reader.GetBoolean(); break;
                case nameof(SpawnRequest.ParentPid): parentPid = reader.GetInt32(); break;
                case nameof(SpawnRequest.ParentName): parentName = reader.GetString(); break;
                case nameof(SpawnRequest.Nonce): nonce = reader.GetString(); break;
                case nameof(SpawnRequest.Assemblies): assemblies = ReadAssemblies(ref reader); break;
                case nameof(SpawnRequest.Type): type = ReadType(ref reader); break;
                case nameof(SpawnRequest.Method): method = reader.GetString(); break;
                case nameof(SpawnRequest.ParameterTypes):
                    parameterTypes = [.. ReadArray(ref reader, static (ref r) => r.GetString() ?? throw Malformed("a parameter type is null"))];
                    break;
                case nameof(SpawnRequest.Args):
                    args = [.. ReadArray(ref reader, (ref r) => ReadPickled(ref r, bytes))];
                    break;
                case nameof(SpawnRequest.State):
                    Expect(ref reader, JsonTokenType.StartObject, "State", alreadyRead: true);
                    state = [];
                    while (NextProperty(ref reader) is { } key)
                    {
                        state[key] = ReadPickled(ref reader, bytes);
                    }

                    break;
                case nameof(SpawnRequest.Timeline): timeline = ReadTimeline(ref reader); break;
                default: reader.Skip(); break; // A newer parent's field: not this child's business.
            }
        }

        return new SpawnRequest(
            identity ?? throw Missing(nameof(SpawnRequest.Identity)),
            name ?? throw Missing(nameof(SpawnRequest.Name)),
            daemon ?? throw Missing(nameof(SpawnRequest.Daemon)),
            parentPid ?? throw Missing(nameof(SpawnRequest.ParentPid)),
            parentName ?? throw Missing(nameof(SpawnRequest.ParentName)),
            nonce ?? throw Missing(nameof(SpawnRequest.Nonce)),
            assemblies ?? throw Missing(nameof(SpawnRequest.Assemblies)),
            type ?? throw Missing(nameof(SpawnRequest.Type)),
            method,
            parameterTypes,
            args,
            state,
            timeline);
    }

    /// <summary>A spare's first line: the assemblies to load before its request comes.</summary>
    public static string WriteAssemblies(List<AssemblySource> assemblies) => Write(writer => WriteAssemblies(writer, assemblies));

    /// <summary>Reads a line written by <see cref="WriteAssemblies(List{AssemblySource})"/>.</summary>
    /// <exception cref="JsonException">The line is not such a list.</exception>
    public static List<AssemblySource> ReadAssemblies(string line) => Checked(() =>
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line), ReaderOptions);
        return ReadAssemblies(ref reader);
    });

    /// <summary>A type as the JSON a pickled value's envelope carries (see <see cref="Reduction"/>).</summary>
    public static string WriteType(TypeRef type) => Write(writer => WriteType(writer, type));

    /// <summary>Reads a type written by <see cref="WriteType(TypeRef)"/>.</summary>
    /// <exception cref="JsonException">The text is not such a type.</exception>
    public static TypeRef ReadType(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), ReaderOptions);
            reader.Read();
            return ReadType(ref reader);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"Not a value's type written by this version of Helpers.dll ({json}): {e.Message}", e);
        }
    }

    // A value of the wrong kind (a number where a string belongs, bad base64) is a malformed line too.
    private static T Checked<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException || (e is JsonException && !e.Message.StartsWith(NotARequest, StringComparison.Ordinal)))
        {
            throw Malformed(e.Message.TrimEnd('.'));
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteAssemblies(Utf8JsonWriter writer, List<AssemblySource> assemblies)
    {
        writer.WriteStartArray();
        foreach (var assembly in assemblies)
        {
            writer.WriteStartObject();
            writer.WriteString(nameof(AssemblySource.Name), assembly.Name);
            if (assembly.Path is not null)
            {
                writer.WriteString(nameof(AssemblySource.Path), assembly.Path);
            }

            if (assembly.Image is not null)
            {
                writer.WriteBase64String(nameof(AssemblySource.Image), assembly.Image);
            }

            if (assembly.Symbols is not null)
            {
                writer.WriteBase64String(nameof(AssemblySource.Symbols), assembly.Symbols);
            }

            writer.WriteNumber(nameof(AssemblySource.Slot), assembly.Slot);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static List<AssemblySource> ReadAssemblies(ref Utf8JsonReader reader) => ReadArray(ref reader, static (ref r) =>
    {
        Expect(ref r, JsonTokenType.StartObject, "an assembly", alreadyRead: true);
        string? name = null, path = null;
        byte[]? image = null, symbols = null;
        var slot = 0;
        while (NextProperty(ref r) is { } property)
        {
            switch (property)
            {
                case nameof(AssemblySource.Name): name = r.GetString(); break;
                case nameof(AssemblySource.Path): path = r.GetString(); break;
                case nameof(AssemblySource.Image): image = r.GetBytesFromBase64(); break;
                case nameof(AssemblySource.Symbols): symbols = r.GetBytesFromBase64(); break;
                case nameof(AssemblySource.Slot): slot = r.GetInt32(); break;
                default: r.Skip(); break;
            }
        }

        return new AssemblySource(name ?? throw Missing("an assembly's Name"), path, image, symbols, slot);
    });

    private static void WriteType(Utf8JsonWriter writer, TypeRef type)
    {
        writer.WriteStartObject();
        writer.WriteString(nameof(TypeRef.Assembly), type.Assembly);
        writer.WriteString(nameof(TypeRef.Name), type.Name);
        if (type.Args is not null)
        {
            writer.WriteStartArray(nameof(TypeRef.Args));
            foreach (var arg in type.Args)
            {
                WriteType(writer, arg);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber(nameof(TypeRef.Rank), type.Rank);
        writer.WriteEndObject();
    }

    private static TypeRef ReadType(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "a type", alreadyRead: true);
        string? assembly = null, name = null;
        TypeRef[]? args = null;
        var rank = 0;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case nameof(TypeRef.Assembly): assembly = reader.GetString(); break;
                case nameof(TypeRef.Name): name = reader.GetString(); break;
                case nameof(TypeRef.Args): args = [.. ReadArray(ref reader, static (ref r) => ReadType(ref r))]; break;
                case nameof(TypeRef.Rank): rank = reader.GetInt32(); break;
                default: reader.Skip(); break;
            }
        }

        return new TypeRef(assembly ?? throw Missing("a type's Assembly"), name ?? throw Missing("a type's Name"), args, rank);
    }

    private static Tracing.TimelineRef ReadTimeline(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "Timeline", alreadyRead: true);
        string? name = null;
        long? size = null, startId = null;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case nameof(Tracing.TimelineRef.Name): name = reader.GetString(); break;
                case nameof(Tracing.TimelineRef.Size): size = reader.GetInt64(); break;
                case nameof(Tracing.TimelineRef.StartId): startId = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new Tracing.TimelineRef(name ?? throw Missing("Timeline's Name"), size ?? throw Missing("Timeline's Size"), startId ?? throw Missing("Timeline's StartId"));
    }

    // A pickled value is kept as the JSON text it is: from its first byte to the end of its last token.
    private static Pickled ReadPickled(ref Utf8JsonReader reader, byte[] line)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return new Pickled(Encoding.UTF8.GetString(line.AsSpan(start, (int)reader.BytesConsumed - start)));
    }

    private delegate T ReadItem<T>(ref Utf8JsonReader reader);

    // The reader is on the array's start (the property's value); each item is read from its first token.
    private static List<T> ReadArray<T>(ref Utf8JsonReader reader, ReadItem<T> read)
    {
        if (reader.TokenType == JsonTokenType.None)
        {
            _ = Read(ref reader); // A line that is the array itself.
        }

        Expect(ref reader, JsonTokenType.StartArray, "an array", alreadyRead: true);
        var items = new List<T>();
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            items.Add(read(ref reader));
        }

        return items;
    }

    // The next property's name, with the reader moved onto its value; null at the object's end.
    private static string? NextProperty(ref Utf8JsonReader reader)
    {
        if (Read(ref reader) == JsonTokenType.EndObject)
        {
            return null;
        }

        var name = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString()! : throw Malformed($"expected a property name, found {reader.TokenType}");
        _ = Read(ref reader);
        return name;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string what, bool alreadyRead = false)
    {
        if ((alreadyRead ? reader.TokenType : Read(ref reader)) != token)
        {
            throw Malformed($"{what} should start with {token}, not {reader.TokenType}");
        }
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw Malformed("the line ends too early");

    private static JsonException Missing(string what) => Malformed($"{what} is missing");

    private const string NotARequest = "Not a request of this version of Helpers.dll";

    private static JsonException Malformed(string why) => new($"{NotARequest}: {why}.");
}
