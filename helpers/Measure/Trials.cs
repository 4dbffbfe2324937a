using System.Diagnostics;
using System.Globalization;

namespace Helpers.Measure;

/// <summary>
/// Repeated measurements of one thing: their median and their range, the spread a reader must see,
/// and the values themselves, for a <see cref="Difference"/> to test.
/// </summary>
/// <param name="Median">The middle value (the mean of the two middle ones for an even count).</param>
/// <param name="Min">The smallest value. For a time, the best estimate of the work itself: other work on the machine only adds time.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Count">How many values.</param>
public sealed record Spread(double Median, double Min, double Max, int Count)
{
    /// <summary>The values, smallest first; empty for a spread made from its four figures alone.</summary>
    public IReadOnlyList<double> Values { get; init; } = [];

    /// <summary>The spread of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static Spread Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A spread needs at least one value.", nameof(values));
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted.Length) { Values = sorted };
    }

    /// <summary>The spread of these values.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static Spread Of(params double[] values) => Of((IEnumerable<double>)values);

    /// <summary>True if the two ranges share a value: the difference of their medians may be noise.</summary>
    public bool Overlaps(Spread other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Min <= other.Max && other.Min <= Max;
    }

    /// <summary>The largest value over the smallest (1 = no spread); infinite if the smallest is 0 and the largest is not.</summary>
    public double Ratio => Max == Min ? 1 : Min <= 0 ? double.PositiveInfinity : Max / Min;

    /// <summary>"median (min–max)", each with <paramref name="format"/>.</summary>
    public string ToString(string format) => string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)})");

    /// <inheritdoc/>
    public override string ToString() => ToString("G3");
}

/// <summary>
/// Measurements that hold on a shared, noisy machine: every input is measured several times,
/// interleaved (each round visits every input, in an order that changes from round to round, so
/// that a burst of other work hits all inputs alike, never only "the 1-worker runs"), after a
/// warm-up; the result per input is its <see cref="Spread"/>.
/// </summary>
public static class Trials
{
    /// <summary>Measures each of <paramref name="inputs"/> <paramref name="rounds"/> times, interleaved.</summary>
    /// <typeparam name="T">What varies: a size, a worker count, a (kind, workers) pair….</typeparam>
    /// <param name="inputs">The inputs, in the order the results are returned.</param>
    /// <param name="measure">Measures one input once and returns the figure (seconds, a count…).</param>
    /// <param name="rounds">How many times each input is measured; <see cref="Difference.FewestFigures"/> or more for a <see cref="Difference"/> to call a difference.</param>
    /// <param name="warmUp">Inputs to run once first, untimed (code compiled, processes started, caches filled); none if null.</param>
    /// <returns>Each input with the spread of its figures.</returns>
    public static IReadOnlyList<(T Input, Spread Result)> Interleaved<T>(IReadOnlyList<T> inputs, Func<T, double> measure, int rounds = 5, IEnumerable<T>? warmUp = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        foreach (var input in warmUp ?? [])
        {
            _ = measure(input);
        }

        var figures = inputs.Select(_ => new List<double>(rounds)).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var i in Order(inputs.Count, round, rounds))
            {
                figures[i].Add(measure(inputs[i]));
            }
        }

        return [.. inputs.Select((input, i) => (input, Spread.Of(figures[i])))];
    }

    /// <summary>The wall time of <paramref name="action"/>, in seconds.</summary>
    public static double Seconds(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    // Round r starts at a different input and odd rounds go backwards: each input is measured early
    // in some rounds and late in others.
    private static IEnumerable<int> Order(int count, int round, int rounds)
    {
        var start = count * round / rounds;
        var order = Enumerable.Range(0, count).Select(i => (start + i) % count);
        return round % 2 == 1 ? order.Reverse() : order;
    }
}

/// <summary>
/// One row of a table of spreads: an input and the median and range of its figures. A class with
/// properties, not a record, so that notebooks show a list of rows as a table with columns.
/// </summary>
public sealed class SpreadRow
{
    internal SpreadRow(string input, string median, string min, string max) => (Input, Median, Min, Max) = (input, median, min, max);

    /// <summary>What was measured: a size, a count….</summary>
    public string Input { get; }

    /// <summary>The median figure.</summary>
    public string Median { get; }

    /// <summary>The smallest figure.</summary>
    public string Min { get; }

    /// <summary>The largest figure.</summary>
    public string Max { get; }
}

/// <summary>Tables of what <see cref="Trials"/> measured.</summary>
public static class SpreadTable
{
    /// <summary>One row per input, the figures formatted with <paramref name="format"/> (such as "N0").</summary>
    public static IReadOnlyList<SpreadRow> ToTable<T>(this IEnumerable<(T Input, Spread Result)> measured, string format = "G3")
    {
        ArgumentNullException.ThrowIfNull(measured);
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture);
        return [.. measured.Select(m => new SpreadRow(string.Format(CultureInfo.InvariantCulture, "{0:N0}", m.Input), F(m.Result.Median), F(m.Result.Min), F(m.Result.Max)))];
    }
}
