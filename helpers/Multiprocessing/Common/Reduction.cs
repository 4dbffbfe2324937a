using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Helpers.Multiprocessing;

/// <summary>
/// How objects cross a process boundary (CPython's <c>reduction.py</c>): System.Text.Json with a
/// pickle-like contract.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Objects travel as their instance fields, private ones included, and are rebuilt without
/// running a constructor, as pickle does. <see cref="JsonIgnoreAttribute"/> on a field leaves it out.</item>
/// <item>Where the declared type does not say what the object is (<c>object</c>, an interface, a
/// base class), the runtime type travels with the value.</item>
/// <item>Things that stand for a resource of this process (threads, streams, handles, delegates)
/// are refused with a message that says what to do.</item>
/// <item>Helper objects that stand for a shared OS resource (queues, locks, shared values) cross as
/// handles: such a type carries its own <see cref="JsonConverterAttribute"/>, which writes the OS
/// names and reopens them on the other side. That converter wins over everything here.</item>
/// </list>
/// </remarks>
internal static partial class Reduction
{
    /// <summary>The serializer options used for everything that crosses to another process.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>How deeply nested a value may be (System.Text.Json's default is 64).</summary>
    public const int MaxDepth = 256;

    /// <summary>Serializes <paramref name="value"/> as <paramref name="type"/>; unsupported content throws <see cref="NotSupportedException"/>.</summary>
    public static string Dumps(object? value, Type type)
    {
        try
        {
            return JsonSerializer.Serialize(value, type, Options);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            throw new NotSupportedException(e.Message, e);
        }
    }

    /// <summary>
    /// True for what System.Text.Json raises when a value cannot be written or rebuilt under this
    /// contract (and for this class's own refusals): what the helpers report as "cannot be sent".
    /// </summary>
    public static bool IsRefusal(Exception e) =>
        e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException or MemberAccessException;

    /// <summary>Serializes <paramref name="value"/> to send it as one message.</summary>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">How to write it: its declared type under <see cref="Options"/>.</param>
    /// <param name="where">Where it was going, for the message ("put on a queue").</param>
    /// <param name="parameter">The caller's parameter that held it.</param>
    /// <exception cref="ArgumentException">It cannot be sent; the message says why.</exception>
    public static byte[] ToBytes(object? value, JsonTypeInfo typeInfo, string where, string parameter)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            throw new ArgumentException($"This {value?.GetType().Name ?? "value"} cannot be {where}: {e.Message}", parameter, e);
        }
    }

    /// <summary>Rebuilds a value written by <see cref="Dumps"/>.</summary>
    public static object? Loads(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    /// <summary>True while <see cref="CheckRoundTrip"/> runs on this thread: handles are not reopened then.</summary>
    public static bool IsCheckingRoundTrip => checkingRoundTrip;

    [ThreadStatic]
    private static bool checkingRoundTrip;

    /// <summary>Rebuilds <paramref name="json"/> and throws away the result: what cannot be rebuilt fails here, in the sender.</summary>
    public static void CheckRoundTrip(string json, Type type)
    {
        checkingRoundTrip = true;
        try
        {
            _ = Loads(json, type);
        }
        finally
        {
            checkingRoundTrip = false;
        }
    }

    /// <summary>The fields of a <see cref="Process"/> subclass object, each serialized with its runtime type.</summary>
    public static IEnumerable<(FieldInfo Field, Func<string> Dump)> StateOf(Process process) =>
        InstanceFields(process.GetType()).Select(f => (f, (Func<string>)(() => Dumps(f.GetValue(process), typeof(object)))));

    /// <summary>Rebuilds a subclass object from <see cref="StateOf"/>, without running a constructor.</summary>
    public static Process LoadState(Type type, IReadOnlyDictionary<string, string> state)
    {
        var process = (Process)RuntimeHelpers.GetUninitializedObject(type);
        foreach (var field in InstanceFields(type))
        {
            field.SetValue(process, Loads(state[StateKey(field)], typeof(object)));
        }

        return process;
    }

    /// <summary>A field's key in a subclass object's state: unique even when a base class has a field of the same name.</summary>
    public static string StateKey(FieldInfo field) => $"{field.DeclaringType!.Name}.{field.Name}";

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(PlainValues.Default, new DefaultJsonTypeInfoResolver { Modifiers = { PickleFields } }),
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            MaxDepth = MaxDepth,
        };
        options.Converters.Add(new UnshareableConverterFactory());
        options.Converters.Add(new AnyObjectConverter());
        options.MakeReadOnly();
        return options;
    }

    // Replaces STJ's public-property contract of every object type with its instance fields.
    private static void PickleFields(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type == typeof(object))
        {
            return;
        }

        var type = info.Type;
        if (type.IsAbstract || type.IsInterface)
        {
            return;
        }

        info.Properties.Clear();
        info.CreateObject = () => RuntimeHelpers.GetUninitializedObject(type);
        var names = new HashSet<string>();
        foreach (var field in InstanceFields(type))
        {
            var name = names.Add(field.Name) ? field.Name : $"{field.DeclaringType!.Name}.{field.Name}";
            names.Add(name);
            var property = info.CreateJsonPropertyInfo(field.FieldType, name);
            property.Get = field.GetValue;
            property.Set = field.SetValue;
            if (IsPolymorphic(field.FieldType))
            {
                property.CustomConverter = (JsonConverter)Activator.CreateInstance(
                    typeof(PolymorphicConverter<>).MakeGenericType(field.FieldType))!;
            }

            info.Properties.Add(property);
        }
    }

    /// <summary>
    /// The fields that make up an object's state, most derived first. A <see cref="Process"/>
    /// subclass contributes only its own fields: the base class's state is the parent's business.
    /// </summary>
    private static IEnumerable<FieldInfo> InstanceFields(Type type)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (var t = type; t is not null && t != typeof(object) && t != typeof(Process); t = t.BaseType)
        {
            foreach (var field in t.GetFields(Flags))
            {
                if (!field.IsDefined(typeof(JsonIgnoreAttribute)) && !field.FieldType.IsPointer && !field.FieldType.IsByRefLike)
                {
                    yield return field;
                }
            }
        }
    }

    // Declared types that may hold an instance of another type. Collections are left to STJ.
    private static bool IsPolymorphic(Type declared) =>
        declared != typeof(object) && declared != typeof(string) && !declared.IsValueType && !declared.IsSealed
        && !typeof(IEnumerable).IsAssignableFrom(declared)
        && declared.GetCustomAttribute<JsonConverterAttribute>() is null;

    // Each runtime type is described and looked up once: a message's envelope costs a dictionary hit.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> TypeJson = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Type> ResolvedTypes = new();

    private static void WriteEnvelope(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        var type = value.GetType();
        writer.WriteStartObject();
        writer.WriteString("type", TypeJson.GetOrAdd(type, t => Wire.WriteType(TypeRef.From(t))));
        writer.WritePropertyName("value");
        if (type == typeof(object))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            JsonSerializer.Serialize(writer, value, type, options);
        }

        writer.WriteEndObject();
    }

    // {"type": "<TypeRef as JSON, in a string>", "value": ...}, always in this order: read straight
    // through, with the type looked up by its string.
    private static object? ReadEnvelope(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.PropertyName, "type");
        reader.Read();
        var typeJson = reader.GetString()!;
        var type = ResolvedTypes.GetOrAdd(typeJson, t => Wire.ReadType(t).Resolve());
        Expect(ref reader, JsonTokenType.PropertyName, "value");
        reader.Read();
        object? value;
        if (type == typeof(object))
        {
            reader.Skip();
            value = new object();
        }
        else
        {
            value = JsonSerializer.Deserialize(ref reader, type, options);
        }

        reader.Read();
        return reader.TokenType == JsonTokenType.EndObject ? value : throw new JsonException("A type envelope has more than a type and a value.");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string name)
    {
        if (!reader.Read() || reader.TokenType != token || !reader.ValueTextEquals(name))
        {
            throw new JsonException($"Expected \"{name}\" in a type envelope.");
        }
    }

    /// <summary>Values declared as <c>object</c>: the runtime type travels with the value.</summary>
    private sealed class AnyObjectConverter : JsonConverter<object>
    {
        public override bool HandleNull => false;

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadEnvelope(ref reader, options);

        public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
            WriteEnvelope(writer, value, options);
    }

    /// <summary>Fields declared as an interface or a base class: the runtime type travels with the value.</summary>
    private sealed class PolymorphicConverter<T> : JsonConverter<T>
        where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            (T?)ReadEnvelope(ref reader, options);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            WriteEnvelope(writer, value, options);
    }

    /// <summary>Refuses objects that stand for a resource of this process.</summary>
    private sealed class UnshareableConverterFactory : JsonConverterFactory
    {
        private static readonly Type[] Unshareable =
        [
            typeof(Delegate), typeof(Stream), typeof(TextReader), typeof(TextWriter), typeof(Thread),
            typeof(Task), typeof(WaitHandle), typeof(SafeHandle), typeof(CancellationTokenSource),
            typeof(CancellationToken), typeof(System.Diagnostics.Process), typeof(Process),
            typeof(MemberInfo), typeof(Assembly), typeof(AssemblyLoadContext), typeof(IntPtr),
            typeof(UIntPtr), typeof(Lock), typeof(SemaphoreSlim), typeof(Timer), typeof(IDisposable),
        ];

        public override bool CanConvert(Type typeToConvert) =>
            Unshareable.Any(u => u.IsAssignableFrom(typeToConvert))
            && typeToConvert.GetCustomAttribute<JsonConverterAttribute>() is null;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Refuse<>).MakeGenericType(typeToConvert))!;

        private sealed class Refuse<T> : JsonConverter<T>
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                throw Error(typeToConvert);

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                throw Error(typeof(T));

            private static NotSupportedException Error(Type type) => new(
                $"a {type.Name} cannot be sent to another process: it stands for something that exists only in " +
                "this process (code, a thread, a stream, an OS handle). Send plain data and create the resource " +
                "in the child, or use a helper made to be shared (Queue, Pipe, Lock, Value).");
        }
    }
}
