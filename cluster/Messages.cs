namespace Helpers.Cluster;

// What crosses between the pool (in the notebook) and its workers (grains on the silos). The
// envelopes are Orleans types, written by Orleans' generated serializer; the values inside them
// (arguments, results) are bytes the helpers' own serializer wrote (see ClusterPool's remarks).

/// <summary>Where a grain runs: its silo process and its Orleans address.</summary>
/// <param name="Pid">The silo's OS process id.</param>
/// <param name="Silo">The silo's address as Orleans writes it (<c>S127.0.0.1:11111:…</c>), as <c>IManagementGrain.GetHosts</c> lists it.</param>
[GenerateSerializer, Immutable]
public sealed record WorkerInfo([property: Id(0)] int Pid, [property: Id(1)] string Silo);

/// <summary>One assembly of a function's code, as it travels to a silo.</summary>
/// <param name="Name">The assembly's simple name.</param>
/// <param name="Path">The file, for an assembly a cell refers to on disk (same path on the silo's machine).</param>
/// <param name="Image">The assembly's bytes: a notebook cell, or the compiled assembly that defines the function.</param>
/// <param name="Symbols">The cell's portable PDB, for line numbers in a remote trace.</param>
/// <param name="Slot">A notebook cell's submission slot (1, 2, …); 0 for any other assembly.</param>
[GenerateSerializer, Immutable]
public sealed record CodePart(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Path,
    [property: Id(2)] byte[]? Image,
    [property: Id(3)] byte[]? Symbols,
    [property: Id(4)] int Slot);

/// <summary>The code a function needs, named by the SHA-256 of its content: a silo installs a bundle once.</summary>
/// <param name="Hash">The content hash (hex).</param>
/// <param name="Parts">The assemblies, in the order they are installed.</param>
[GenerateSerializer, Immutable]
public sealed record CodeBundle([property: Id(0)] string Hash, [property: Id(1)] CodePart[] Parts);

/// <summary>A chunk of calls to one function.</summary>
/// <param name="Code">The hash of the <see cref="CodeBundle"/> the function needs.</param>
/// <param name="Function">The method, as the helpers name it for another process (JSON).</param>
/// <param name="Count">How many calls.</param>
/// <param name="Columns">One array per parameter, each holding that argument of every call (the helpers' JSON).</param>
/// <param name="CallId">This sending of the chunk, for <see cref="IPoolWorkerGrain.StateOf"/> (each resend has a new one).</param>
[GenerateSerializer, Immutable]
public sealed record ChunkRequest(
    [property: Id(0)] string Code,
    [property: Id(1)] string Function,
    [property: Id(2)] int Count,
    [property: Id(3)] byte[][] Columns,
    [property: Id(4)] long CallId = 0);

/// <summary>What a worker knows of a call of <see cref="IPoolWorkerGrain.Run"/>.</summary>
public enum CallState
{
    /// <summary>It never arrived (or the worker is another activation than the one it went to).</summary>
    Unknown,

    /// <summary>It is running now.</summary>
    Running,

    /// <summary>It was the last one to finish: its reply went out.</summary>
    Done,
}

/// <summary>A worker's answer to a <see cref="ChunkRequest"/>.</summary>
/// <param name="Worker">Where it ran.</param>
/// <param name="NeedCode">The silo does not have the code yet: send it, then the chunk again.</param>
/// <param name="Values">The results, an array of the return type (the helpers' JSON), when the calls succeeded.</param>
/// <param name="Error">What the function raised, when one call failed.</param>
[GenerateSerializer, Immutable]
public sealed record ChunkReply(
    [property: Id(0)] WorkerInfo Worker,
    [property: Id(1)] bool NeedCode,
    [property: Id(2)] byte[]? Values,
    [property: Id(3)] TaskError? Error);

/// <summary>An exception a function raised on a silo, as it crosses back (re-raised in the caller as by <c>Pool</c>).</summary>
/// <param name="Type">The exception type's full name.</param>
/// <param name="Message">Its message.</param>
/// <param name="Trace">Its text on the silo: type, message, stack trace.</param>
[GenerateSerializer, Immutable]
public sealed record TaskError([property: Id(0)] string Type, [property: Id(1)] string Message, [property: Id(2)] string Trace);
