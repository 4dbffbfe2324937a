using System.Reflection;

namespace Helpers.Multiprocessing;

/// <summary>
/// Notebook cells in a child process. The C# kernel compiles each cell as a Roslyn script
/// submission: a class <c>Submission#N</c> whose instance methods are the cell's top-level
/// functions and whose fields are the cell's variables. A child recreates the objects of every
/// submission (as CPython's spawn re-imports <c>__main__</c>) without running any cell, so a cell's
/// function can be called and can call the functions of earlier cells.
/// </summary>
/// <remarks>
/// Roslyn's submission constructor takes the array of all submission objects: slot 0 holds the
/// host object (none here), slot <c>k</c> the k-th submission that has code. Each constructor stores
/// itself in its slot and reads the earlier submissions it refers to, so they are created in order.
/// </remarks>
internal static class Submissions
{
    private const string ClassPrefix = "Submission#";
    private static readonly System.Threading.Lock Gate = new();
    private static object?[]? slots;

    /// <summary>True for a submission class, the type of a notebook cell's top-level code.</summary>
    public static bool IsSubmission(Type? type) =>
        type is { DeclaringType: null } && type.Name.StartsWith(ClassPrefix, StringComparison.Ordinal)
        && Assemblies.IsInMemory(type.Assembly);

    /// <summary>In a child: the object of <paramref name="type"/>'s submission, with all earlier ones created first.</summary>
    /// <exception cref="InvalidOperationException">The parent did not send the submission.</exception>
    public static object Instance(Type type)
    {
        lock (Gate)
        {
            // Cells sent later (to a pool worker) are not in an array made before: make it again.
            // The cell objects hold no state a child keeps, so new ones serve as well.
            if (slots?.FirstOrDefault(s => s?.GetType() == type) is { } known)
            {
                return known;
            }

            slots = Create(Assemblies.Submissions);
            return slots.FirstOrDefault(s => s?.GetType() == type)
                ?? throw new InvalidOperationException($"The parent process did not send the notebook cell that defines {type.Name}.");
        }
    }

    private static object?[] Create(IReadOnlyList<AssemblySource> submissions)
    {
        var array = new object?[submissions.Count == 0 ? 1 : submissions.Max(s => s.Slot) + 1];
        foreach (var source in submissions.OrderBy(s => s.Slot))
        {
            var type = Assemblies.Load(source.Name).GetTypes().Single(t => t.DeclaringType is null && t.Name.StartsWith(ClassPrefix, StringComparison.Ordinal));
            Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [array], null);
        }

        return array;
    }
}
