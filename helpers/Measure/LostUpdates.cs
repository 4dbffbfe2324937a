using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// Updates lost by workers that add to one shared counter without a lock, measured at several
/// amounts of work (<see cref="Trials.Interleaved{T}"/>): what a race costs, and whether more work
/// loses more.
/// </summary>
/// <param name="Workers">How many raced.</param>
/// <param name="Per">What one of them is, for "additions per …": "process", "thread".</param>
/// <param name="Sizes">Each amount of work (additions per worker) with the spread of the updates lost, smallest first.</param>
public sealed record LostUpdates(int Workers, string Per, IReadOnlyList<(int Additions, Spread Lost)> Sizes)
{
    /// <summary>The measured sizes of <paramref name="measured"/>, as <see cref="Trials.Interleaved{T}"/> returns them.</summary>
    /// <exception cref="ArgumentException">No sizes.</exception>
    public static LostUpdates Of(int workers, string per, IEnumerable<(int Input, Spread Result)> measured)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 2);
        ArgumentNullException.ThrowIfNull(per);
        ArgumentNullException.ThrowIfNull(measured);
        var sizes = measured.OrderBy(m => m.Input).Select(m => (m.Input, m.Result)).ToList();
        return sizes.Count == 0 ? throw new ArgumentException("Lost updates need at least one measured size.", nameof(measured)) : new LostUpdates(workers, per, sizes);
    }

    /// <summary>
    /// Whether the largest size clearly lost more than the smallest size that lost any (by
    /// <see cref="Difference"/>'s rule): the lesson that more work gives a race more chances.
    /// Null if no size lost anything, or only one size did.
    /// </summary>
    public Difference? MoreWorkMoreLost()
    {
        var first = Sizes.FirstOrDefault(s => s.Lost.Max > 0);
        var last = Sizes[^1];
        return first.Lost is null || first.Additions == last.Additions
            ? null
            : Difference.Of(N(first.Additions), first.Lost, N(last.Additions), last.Lost);
    }

    /// <summary>What the figures show, in sentences computed from them.</summary>
    /// <param name="oneRun">A single run shown earlier (its additions per worker and the updates it lost), to set beside the runs of the same size; none if null.</param>
    public string Reading((int Additions, double Lost)? oneRun = null)
    {
        var text = new List<string>();
        var largest = Sizes[^1];
        var total = (double)largest.Additions * Workers;
        if (Sizes.All(s => s.Lost.Max == 0))
        {
            text.Add($"No update was lost at any size in this run: the {Who} never wrote at the same instant (a single CPU, or other programs held the cores). Rerun the cell when the machine is quieter.");
        }
        else
        {
            var first = Sizes.First(s => s.Lost.Median > 0 || s.Lost.Max > 0);
            if (first.Additions > Sizes[0].Additions)
            {
                text.Add($"Up to {N(Sizes.Last(s => s.Additions < first.Additions).Additions)} additions per {Per}, no run lost an update: with so little work, one can finish before the other has started.");
            }

            text.Add(largest.Lost.Max == 0
                ? $"At {N(largest.Additions)} additions per {Per}, no run lost an update."
                : string.Create(CultureInfo.InvariantCulture, $"At {N(largest.Additions)} additions per {Per}, the runs lost {N(largest.Lost.Min)} to {N(largest.Lost.Max)} updates (median {N(largest.Lost.Median)}, {100 * largest.Lost.Median / total:F1} % of {N(total)})."));
            if (MoreWorkMoreLost() is { } more)
            {
                text.Add(more is { Clear: true, ALess: true }
                    ? $"More work lost more: the runs at {more.B} additions lost more than those at {more.A}, clearly by the course's rule, since each addition is one more chance for a write to fall between another's read and write."
                    : more.ALess
                        ? $"More work seemed to lose more, but this run cannot tell: the runs at {more.A} and at {more.B} additions overlap too much. Rerun the cell."
                        : $"This run does not show more work losing more: the runs at {more.B} additions did not lose more than those at {more.A}, most likely because other programs kept the {Who} from running at the same instant. Rerun the cell when the machine is quieter.");
            }
        }

        if (oneRun is { } one && Sizes.FirstOrDefault(s => s.Additions == one.Additions).Lost is { } same)
        {
            text.Add(one.Lost >= same.Min && one.Lost <= same.Max
                ? $"The single run above, at {N(one.Additions)} additions, lost {N(one.Lost)}: within this range, one draw from the same spread."
                : $"The single run above, at {N(one.Additions)} additions, lost {N(one.Lost)}: outside this range, which is no contradiction. How many updates a race loses depends on how long the {Who} really ran at the same instant, which changes from run to run with what else the machine does; {same.Count} runs show part of the spread, not all of it.");
        }

        return string.Join(" ", text);
    }

    /// <inheritdoc/>
    public override string ToString() => Reading();

    // "2 processes", "4 threads".
    private string Who => $"{Workers} {Per}{(Per.EndsWith('s') ? "es" : "s")}";

    private static string N(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
}
