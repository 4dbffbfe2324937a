using System.Text.Json;
using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

/// <summary>
/// A helper object that stands for shared OS objects (semaphores, shared memory) and crosses to
/// another process as a handle: the names of those objects, which the other side opens again.
/// CPython pickles its <c>SemLock</c> and <c>SharedMemory</c> the same way.
/// </summary>
/// <typeparam name="TSelf">The helper type.</typeparam>
/// <typeparam name="THandle">What crosses: names and sizes.</typeparam>
internal interface IShareable<TSelf, THandle>
    where TSelf : class, IShareable<TSelf, THandle>
{
    /// <summary>The names another process needs to open the same objects.</summary>
    THandle ToHandle();

    /// <summary>Opens the objects a handle names, in this process.</summary>
    static abstract TSelf FromHandle(THandle handle);
}

/// <summary>
/// The converter every shareable helper names in its <see cref="JsonConverterAttribute"/>: it finds
/// the type's <see cref="IShareable{TSelf, THandle}"/> and writes the handle instead of the object.
/// </summary>
internal sealed class HandleConverterFactory : JsonConverterFactory
{
    /// <inheritdoc/>
    public override bool CanConvert(Type typeToConvert) => ShareableOf(typeToConvert) is not null;

    /// <inheritdoc/>
    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(HandleConverter<,>).MakeGenericType(ShareableOf(typeToConvert)!.GetGenericArguments()));

    private static Type? ShareableOf(Type type) => type.GetInterfaces().FirstOrDefault(i =>
        i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IShareable<,>) && i.GetGenericArguments()[0] == type);
}

/// <summary>Writes an <see cref="IShareable{TSelf, THandle}"/> as its handle, and reopens it from one.</summary>
/// <typeparam name="TSelf">The helper type.</typeparam>
/// <typeparam name="THandle">What crosses.</typeparam>
internal sealed class HandleConverter<TSelf, THandle> : JsonConverter<TSelf>
    where TSelf : class, IShareable<TSelf, THandle>
{
    /// <inheritdoc/>
    public override TSelf? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (Reduction.IsCheckingRoundTrip)
        {
            // The parent's check that arguments can be rebuilt must not open OS objects again.
            reader.Skip();
            return null;
        }

        var handle = JsonSerializer.Deserialize<THandle>(ref reader, options)
            ?? throw new JsonException($"A {typeof(TSelf).Name} handle is empty.");
        return TSelf.FromHandle(handle);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TSelf value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToHandle(), options);
}

/// <summary>Opening and writing handles of shareable helpers.</summary>
internal static class Shared
{
    /// <summary>The handle of <paramref name="value"/>.</summary>
    public static THandle HandleOf<T, THandle>(T value)
        where T : class, IShareable<T, THandle> => value.ToHandle();

    /// <summary>Opens a helper whose handle is a semaphore's.</summary>
    public static T Open<T>(SemLock.Handle handle)
        where T : class, IShareable<T, SemLock.Handle> => T.FromHandle(handle);

    /// <summary>Opens a helper from its handle.</summary>
    public static T Open<T, THandle>(THandle handle)
        where T : class, IShareable<T, THandle> => T.FromHandle(handle);
}
