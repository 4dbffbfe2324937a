using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Helpers.Multiprocessing;

/// <summary>
/// Everything the parent and a child program say to each other, in one place. A child program is
/// <c>Helpers.dll</c> run by <see cref="ChildHost"/>; its role is its argument, its input and output
/// are lines:
/// <list type="bullet">
/// <item>A child (no argument) reads one line, its <see cref="SpawnRequest"/> as JSON
/// (<c>Wire.Json.cs</c>), and answers
/// at exit with a last line <see cref="ExitReport"/>; a line of its own output can never forge
/// that report, for the report carries the request's nonce.</item>
/// <item>A spare of the standby start method (<see cref="StandbyArgument"/>) first reads a line of
/// assemblies to load, answers <see cref="SpareReady"/>, and then is a child.</item>
/// <item>The resource tracker (<see cref="TrackerArgument"/>) answers <see cref="TrackerReady"/>
/// and its pid, then reads its own registrations (see <see cref="ResourceTracker"/>).</item>
/// </list>
/// After its lines the parent writes nothing more, and keeps the child's standard input open: it is
/// the child's lifeline (see <see cref="ChildMain"/>).
/// </summary>
internal static partial class Wire
{
    /// <summary>The argument that makes a child program a spare of the standby start method (see <see cref="Standby"/>).</summary>
    public const string StandbyArgument = "--standby";

    /// <summary>The argument that makes a child program the resource tracker.</summary>
    public const string TrackerArgument = "--resource-tracker";

    /// <summary>What a spare writes once it has loaded its assemblies and is ready for a request.</summary>
    public const string SpareReady = "\u001eready";

    /// <summary>What the tracker writes once it is ready, followed by a space and its pid.</summary>
    public const string TrackerReady = "ready";

    // Starts the exit report: a control character that program output does not contain by chance.
    private const char ReportMark = '\u001e';

    /// <summary>
    /// What a child writes, on a line of its own, as its target begins (its request read, its
    /// arguments rebuilt): the mark, the request's nonce, <c>:begun</c>. A parent readies the next
    /// spare then, not while this child's start still needs the CPUs.
    /// </summary>
    public static string TargetBegun(string nonce) => ReportMark + nonce + ":begun";

    /// <summary>The exit report's line (without its newline): the mark, the request's nonce, the exit code.</summary>
    public static string ExitReport(string nonce, int code)
    {
        // The code's digits without a culture: the first use of CultureInfo, even the invariant
        // one, loads ICU, 15 ms of CPU at the exit of a child that formatted no text.
        Span<byte> digits = stackalloc byte[11];
        Utf8Formatter.TryFormat(code, digits, out var length);
        return ReportMark + nonce + ":" + Encoding.ASCII.GetString(digits[..length]);
    }

    /// <summary>
    /// Finds the exit report for <paramref name="nonce"/> at the end of an output line; the line's
    /// output before it (a last line without a newline) is returned in <paramref name="before"/>.
    /// </summary>
    public static bool TryReadExitReport(string line, string nonce, out int code, out string before)
    {
        var mark = line.LastIndexOf(ReportMark);
        if (mark >= 0 && line.AsSpan(mark + 1).StartsWith(nonce, StringComparison.Ordinal)
            && line.Length > mark + 1 + nonce.Length && line[mark + 1 + nonce.Length] == ':'
            && int.TryParse(line.AsSpan(mark + 2 + nonce.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out code))
        {
            before = line[..mark];
            return true;
        }

        (code, before) = (0, line);
        return false;
    }
}

/// <summary>Everything a child needs to run one <see cref="Process"/>: CPython's preparation data plus the pickled process.</summary>
/// <param name="Identity">The child's identity path, for naming its own children.</param>
/// <param name="Name">The process name the parent gave.</param>
/// <param name="Daemon">The daemon flag the parent gave.</param>
/// <param name="ParentPid">The parent's process id.</param>
/// <param name="ParentName">The parent's process name.</param>
/// <param name="Nonce">Tags the child's exit report so that program output cannot forge it.</param>
/// <param name="Assemblies">Where the child loads code from.</param>
/// <param name="Type">The subclass to rebuild, or the type that declares the target method.</param>
/// <param name="Method">The target method's name (function style), or <see langword="null"/> (subclass style).</param>
/// <param name="ParameterTypes">The target's parameter types, to tell overloads apart.</param>
/// <param name="Args">The bound arguments, each serialized with its runtime type (function style).</param>
/// <param name="State">The subclass object's fields by <see cref="Reduction.StateKey"/>, each serialized with its runtime type (subclass style).</param>
/// <param name="Timeline">The parent's timeline, while one records (see <see cref="Tracing.Timeline"/>): the child joins it.</param>
internal sealed record SpawnRequest(
    string Identity,
    string Name,
    bool Daemon,
    int ParentPid,
    string ParentName,
    string Nonce,
    List<AssemblySource> Assemblies,
    TypeRef Type,
    string? Method,
    string[]? ParameterTypes,
    Pickled[]? Args,
    Dictionary<string, Pickled>? State,
    Tracing.TimelineRef? Timeline = null);

/// <summary>
/// One value as <see cref="Reduction"/> serialized it (its JSON text, with its runtime type), carried
/// inside the request as the JSON value it is, not as a string of JSON.
/// </summary>
/// <param name="Json">The value's JSON text, from <see cref="Reduction.Dumps"/>.</param>
internal readonly record struct Pickled(string Json)
{
    /// <summary>Serializes <paramref name="value"/> with its runtime type.</summary>
    public static Pickled Dump(object? value) => new(Reduction.Dumps(value, typeof(object)));

    /// <summary>Rebuilds the value.</summary>
    public object? Load() => Reduction.Loads(Json, typeof(object));
}
