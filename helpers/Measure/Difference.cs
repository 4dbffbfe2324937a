using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// Which of two measured things took less, by how much, and whether this run can tell. The rule,
/// the same everywhere in the course: an exact two-sided Mann–Whitney test on the two sets of
/// figures must give p &lt; 0.05. It compares every figure of one with every figure of the other,
/// so a single slow run (noise only adds time) cannot decide it; it needs at least four figures a
/// side (with five a side, 23 of the 25 pairs must point the same way). The size of the difference
/// is the ratio of the two minimums, the best estimate of each one's own cost.
/// </summary>
/// <param name="A">The first thing's name.</param>
/// <param name="AFigures">Its figures.</param>
/// <param name="B">The second thing's name.</param>
/// <param name="BFigures">Its figures.</param>
public sealed record Difference(string A, Spread AFigures, string B, Spread BFigures)
{
    /// <summary>The p-value below which a difference is called.</summary>
    public const double Significance = 0.05;

    /// <summary>The figures a side the test needs before it can call any difference.</summary>
    public const int FewestFigures = 4;

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/>; both must keep their values (<see cref="Spread.Of(IEnumerable{double})"/>).</summary>
    /// <exception cref="ArgumentException">A spread without its values.</exception>
    public static Difference Of(string a, Spread aFigures, string b, Spread bFigures)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(aFigures);
        ArgumentNullException.ThrowIfNull(bFigures);
        if (aFigures.Values.Count == 0 || bFigures.Values.Count == 0)
        {
            throw new ArgumentException("A difference needs the figures themselves: make each Spread with Spread.Of(values) or Trials.", aFigures.Values.Count == 0 ? nameof(aFigures) : nameof(bFigures));
        }

        return new Difference(a, aFigures, b, bFigures);
    }

    /// <summary>Of all pairs (one figure of A, one of B), the share where A's is smaller (a tie counts half): 1 if A was always less, 0.5 if neither.</summary>
    public double ALessShare => U / ((double)AFigures.Values.Count * BFigures.Values.Count);

    /// <summary>The exact two-sided p-value of the Mann–Whitney test (ties count half a pair, and the tie-free distribution is used).</summary>
    public double PValue => MannWhitney.TwoSidedP(U, AFigures.Values.Count, BFigures.Values.Count);

    /// <summary>True if this run tells which is less: p &lt; <see cref="Significance"/>.</summary>
    public bool Clear => PValue < Significance;

    /// <summary>True if A's figures were mostly the smaller (the direction seen, clear or not).</summary>
    public bool ALess => ALessShare > 0.5;

    /// <summary>
    /// How many times less the one that was less (by <see cref="ALess"/>) took: the other's minimum over
    /// its minimum, or, if the minimums point the other way, the ratio of the medians; 1 if neither agrees.
    /// </summary>
    public double Ratio
    {
        get
        {
            var (less, more) = ALess ? (AFigures, BFigures) : (BFigures, AFigures);
            return less.Min < more.Min ? RatioOf(less.Min, more.Min)
                : less.Median < more.Median ? RatioOf(less.Median, more.Median)
                : 1;
        }
    }

    private static double RatioOf(double small, double large) => small <= 0 ? double.PositiveInfinity : large / small;

    // U: the pairs where A's figure is the smaller, a tie counting half.
    private double U => AFigures.Values.Sum(x => BFigures.Values.Sum(y => x < y ? 1.0 : x == y ? 0.5 : 0.0));

    /// <summary>
    /// One sentence: which took less and by how much, with the figures, and whether this run can
    /// tell; the direction seen is reported even when it cannot.
    /// </summary>
    /// <param name="unit">The figures' unit, such as "ms".</param>
    /// <param name="format">How a figure is written, such as "F1".</param>
    /// <param name="less">The verb for "took less", such as "was quicker than".</param>
    public string Reading(string unit = "s", string format = "G3", string less = "took less than")
    {
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "");
        var (lo, loFigures, hi, hiFigures) = ALess ? (A, AFigures, B, BFigures) : (B, BFigures, A, AFigures);
        var pairs = (int)Math.Round(Math.Max(ALessShare, 1 - ALessShare) * AFigures.Values.Count * BFigures.Values.Count);
        var all = AFigures.Values.Count * BFigures.Values.Count;
        var figures = string.Create(CultureInfo.InvariantCulture, $"best {F(loFigures.Min)} against {F(hiFigures.Min)}, medians {F(loFigures.Median)} and {F(hiFigures.Median)}");
        if (ALessShare == 0.5 || Ratio == 1)
        {
            return $"{A} and {B} could not be told apart in this run ({figures}).";
        }

        if (Clear)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{lo} {less} {hi}, {Ratio:F1}× ({figures}; {pairs} of {all} pairs of runs agree).");
        }

        var why = Math.Min(AFigures.Values.Count, BFigures.Values.Count) < FewestFigures
            ? $"{FewestFigures} runs a side are needed"
            : string.Create(CultureInfo.InvariantCulture, $"only {pairs} of {all} pairs of runs agree, too few to rule out noise. Rerun the measurement, with other programs closed");
        return string.Create(CultureInfo.InvariantCulture, $"{lo} seemed to {Verb(less)} {hi}, {Ratio:F2}× ({figures}), but this run cannot tell: {why}.");
    }

    /// <inheritdoc/>
    public override string ToString() => Reading();

    // "was quicker than" → "be quicker than"; "took less than" → "take less than".
    private static string Verb(string less) =>
        less.StartsWith("was ", StringComparison.Ordinal) ? "be " + less[4..]
        : less.StartsWith("took ", StringComparison.Ordinal) ? "take " + less[5..]
        : less.StartsWith("ran ", StringComparison.Ordinal) ? "run " + less[4..]
        : less;
}

/// <summary>The exact distribution of the Mann–Whitney U statistic, for small samples (the course's 3 to 30 runs).</summary>
internal static class MannWhitney
{
    /// <summary>P(U ≤ min(u, nm − u)) × 2, at most 1, where U counts the pairs in which the first sample's value is the smaller.</summary>
    public static double TwoSidedP(double u, int n, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        var tail = Math.Min(u, n * m - u);
        var counts = Counts(n, m);
        double total = 0, below = 0;
        for (var k = 0; k < counts.Length; k++)
        {
            total += counts[k];
            if (k <= tail + 1e-9)
            {
                below += counts[k];
            }
        }

        return Math.Min(1, 2 * below / total);
    }

    // counts[u] = how many orderings of n + m distinct values give U = u, by the recurrence
    // f(n, m, u) = f(n − 1, m, u) + f(n, m − 1, u − n): the largest value is either the first
    // sample's (smaller than none of the second's) or the second's (larger than all n of the first).
    private static double[] Counts(int n, int m)
    {
        var table = new double[n + 1, m + 1][];
        for (var i = 0; i <= n; i++)
        {
            for (var j = 0; j <= m; j++)
            {
                var row = new double[(i * j) + 1];
                if (i == 0 || j == 0)
                {
                    row[0] = 1;
                }
                else
                {
                    var withoutA = table[i - 1, j];
                    var withoutB = table[i, j - 1];
                    for (var u = 0; u < row.Length; u++)
                    {
                        row[u] = (u < withoutA.Length ? withoutA[u] : 0) + (u - i >= 0 && u - i < withoutB.Length ? withoutB[u - i] : 0);
                    }
                }

                table[i, j] = row;
            }
        }

        return table[n, m];
    }
}
