using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// A batch of equal tasks, each known to take <paramref name="Each"/> seconds (a sleep, say), run on
/// <paramref name="Workers"/> workers, and the wall time it took: enough to read whether the tasks
/// overlapped, and what the pool's own work cost.
/// </summary>
/// <param name="Tasks">How many tasks.</param>
/// <param name="Each">The seconds one task takes by itself.</param>
/// <param name="Workers">How many workers ran them.</param>
/// <param name="Seconds">The wall time measured.</param>
public sealed record Batch(int Tasks, double Each, int Workers, double Seconds)
{
    /// <summary>The seconds the tasks take one after another: tasks × each.</summary>
    public double OneAfterAnother => Tasks * Each;

    /// <summary>The rounds the workers need at least: tasks ÷ workers, rounded up.</summary>
    public int Rounds => (Tasks + Workers - 1) / Workers;

    /// <summary>The least the batch can take on its workers: rounds × each.</summary>
    public double Least => Rounds * Each;

    /// <summary>True if the batch took less than its tasks one after another: they overlapped.</summary>
    public bool Overlapped => Seconds < OneAfterAnother;

    /// <summary>What the time says: how much less than one after another, and what went beyond the least the workers need.</summary>
    /// <param name="what">What the time covers, such as "from the pool's start to the end of Join".</param>
    public string Reading(string what = "in all")
    {
        ArgumentNullException.ThrowIfNull(what);
        var head = string.Create(CultureInfo.InvariantCulture, $"{Tasks} tasks of {Each:0.###} s on {Workers} workers: {Seconds:F2} s {what}, ");
        if (!Overlapped)
        {
            return head + string.Create(CultureInfo.InvariantCulture, $"no less than {Tasks} × {Each:0.###} s = {OneAfterAnother:F1} s one after another: other work slowed this run so much that it cannot show the tasks overlapping. Rerun the cell.");
        }

        var beyond = Seconds - Least;
        return head + string.Create(CultureInfo.InvariantCulture, $"{OneAfterAnother / Seconds:F1}× less than {Tasks} × {Each:0.###} s = {OneAfterAnother:F1} s one after another, so the tasks overlapped. ")
            + (beyond >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"{Workers} workers need at least {Rounds} rounds of {Each:0.###} s = {Least:F1} s; the other {beyond:F2} s went to the pool's own work (starting and stopping workers, the messages) and to whatever else ran on the machine.")
                : string.Create(CultureInfo.InvariantCulture, $"That is less than the {Rounds} rounds of {Each:0.###} s = {Least:F1} s that {Workers} workers need: a task took less than {Each:0.###} s, or more workers ran than {Workers}."));
    }

    /// <inheritdoc/>
    public override string ToString() => Reading();
}
