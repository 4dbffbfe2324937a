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
/// <param name="Task">The calls as a <c>Pool</c> task carries them (the helpers' JSON): the chunk's number, how many calls, and one array per parameter, each holding that argument of every call.</param>
/// <param name="CallId">This sending of the chunk, for <see cref="IPoolWorkerGrain.StateOf"/> (each resend has a new one).</param>
[GenerateSerializer, Immutable]
public sealed record ChunkRequest(
    [property: Id(0)] string Code,
    [property: Id(1)] string Function,
    [property: Id(2)] byte[] Task,
    [property: Id(3)] long CallId = 0);

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
/// <param name="Result">The result as a <c>Pool</c> worker answers (the helpers' JSON): the values, an array of the return type, or the exception one call raised (its type, message and trace); null with <paramref name="NeedCode"/>.</param>
[GenerateSerializer, Immutable]
public sealed record ChunkReply(
    [property: Id(0)] WorkerInfo Worker,
    [property: Id(1)] bool NeedCode,
    [property: Id(2)] byte[]? Result);
