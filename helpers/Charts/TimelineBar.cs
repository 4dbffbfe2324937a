namespace Helpers.Charts;

/// <summary>A span of time in one lane of a <see cref="TimelineChart"/>: a task, a lock held, a wait.</summary>
/// <param name="Lane">The lane it is drawn in: one of the chart's lanes.</param>
/// <param name="Kind">Its category (its colour and legend entry), such as "task", "lock held", "lock wait".</param>
/// <param name="Start">When it began, in milliseconds since the timeline began.</param>
/// <param name="End">When it ended, in the same milliseconds; not before <paramref name="Start"/>.</param>
/// <param name="Hover">What it was, for its tooltip and the table.</param>
public sealed record TimelineBar(string Lane, string Kind, double Start, double End, string Hover)
{
    /// <summary>Time spent waiting rather than working: drawn thinner, lighter and hatched.</summary>
    public bool Wait { get; init; }

    /// <summary>It did not end by itself (its process was killed, the timeline stopped first): outlined in red.</summary>
    public bool Cut { get; init; }

    /// <summary>
    /// Its thickness as a share of its lane (above 0, at most 1); if null, 0.8, or 0.3 for a wait.
    /// A bar nested in another (a lock held inside a task) stays visible when it is thinner.
    /// </summary>
    public double? Height { get; init; }

    /// <summary>The thickness it is drawn with.</summary>
    internal double Thickness => Height ?? (Wait ? 0.3 : 0.8);
}

/// <summary>An instant in one lane of a <see cref="TimelineChart"/>: a queue put or get, a kill.</summary>
/// <param name="Lane">The lane it is drawn in: one of the chart's lanes.</param>
/// <param name="Kind">Its category (its colour, marker and legend entry), such as "put", "get", "kill".</param>
/// <param name="At">When, in milliseconds since the timeline began.</param>
/// <param name="Hover">What happened, for its tooltip and the table.</param>
public sealed record TimelineMark(string Lane, string Kind, double At, string Hover);
