using System.Text.Json.Serialization;

namespace Helpers.Multiprocessing;

internal static partial class Reduction
{
    /// <summary>
    /// The contracts of the values most arguments and results are (numbers, strings, and arrays and
    /// lists of them), generated at compile time and precompiled with <c>Helpers.dll</c>.
    /// </summary>
    /// <remarks>
    /// The reflection resolver builds its first contract by creating a converter for every type it
    /// knows and compiling them (20 ms of CPU in a cold child, measured on 2026-12-06); a child or
    /// worker whose values are only of these types now skips that. These types have no fields for
    /// <see cref="PickleFields"/> to change, so their JSON is what the reflection resolver writes.
    /// </remarks>
    [JsonSerializable(typeof(object))]
    [JsonSerializable(typeof(bool))]
    [JsonSerializable(typeof(int))]
    [JsonSerializable(typeof(long))]
    [JsonSerializable(typeof(double))]
    [JsonSerializable(typeof(float))]
    [JsonSerializable(typeof(string))]
    [JsonSerializable(typeof(byte[]))]
    [JsonSerializable(typeof(int[]))]
    [JsonSerializable(typeof(long[]))]
    [JsonSerializable(typeof(double[]))]
    [JsonSerializable(typeof(string[]))]
    [JsonSerializable(typeof(List<int>))]
    [JsonSerializable(typeof(List<long>))]
    [JsonSerializable(typeof(List<double>))]
    [JsonSerializable(typeof(List<string>))]
    private sealed partial class PlainValues : JsonSerializerContext;
}
