using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Helpers.Multiprocessing;

/// <summary>
/// Python's timeout rules, in one place for every wait of the helpers: a timeout is in seconds,
/// <see langword="null"/> waits forever, a negative timeout is 0 (a poll), and NaN or an infinity
/// is refused with an error that says what is allowed. A <see cref="Deadline"/> is measured on the
/// monotonic clock; only POSIX <c>sem_timedwait</c>, under every wait of at most one slice, takes
/// the wall clock, so a wall clock set back lengthens such a slice (as CPython's waits).
/// </summary>
/// <remarks>
/// Timeouts longer than <see cref="Longest"/> (about 24 days, the most .NET's waits take) wait
/// forever, as CPython's <c>threading.TIMEOUT_MAX</c> bounds its own.
/// </remarks>
internal readonly struct Deadline
{
    /// <summary>The longest finite wait; longer ones wait forever.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    private readonly long end; // Stopwatch ticks; long.MaxValue: never.

    private Deadline(long end) => this.end = end;

    /// <summary>A deadline that never comes.</summary>
    public static Deadline Never => new(long.MaxValue);

    /// <summary>The deadline <paramref name="timeout"/> seconds from now (never if null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is NaN or infinite.</exception>
    public static Deadline After(double? timeout, [CallerArgumentExpression(nameof(timeout))] string? name = null)
    {
        var span = ToTimeSpan(timeout, name);
        return span == Timeout.InfiniteTimeSpan ? Never : new(Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>The deadline <paramref name="timeout"/> from now: never if it is <see cref="Timeout.InfiniteTimeSpan"/>, now if negative.</summary>
    public static Deadline After(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? Never : new(Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency));

    /// <summary>The deadline for a call with Python's <c>block</c> and <c>timeout</c>: now when not blocking.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // On every Put and Get: the usual "wait as long as it takes" is then one test.
    public static Deadline After(bool block, double? timeout, [CallerArgumentExpression(nameof(timeout))] string? name = null) =>
        block && timeout is null ? Never : After(block ? timeout : 0, name);

    /// <summary>
    /// <paramref name="timeout"/> seconds as a wait time for .NET's waits:
    /// <see cref="Timeout.InfiniteTimeSpan"/> if null, <see cref="TimeSpan.Zero"/> if negative.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is NaN or infinite.</exception>
    public static TimeSpan ToTimeSpan(double? timeout, [CallerArgumentExpression(nameof(timeout))] string? name = null)
    {
        if (timeout is not { } t)
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (!double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(name, t, "A timeout is a finite number of seconds (0 or less only polls), or null to wait as long as it takes.");
        }

        return t <= 0 ? TimeSpan.Zero : t >= Longest.TotalSeconds ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(t);
    }

    /// <summary>True if it never comes.</summary>
    public bool IsNever => end == long.MaxValue;

    /// <summary>True once it has passed.</summary>
    public bool HasPassed => !IsNever && Stopwatch.GetTimestamp() >= end;

    /// <summary>The time left: <see cref="Timeout.InfiniteTimeSpan"/> if never, else at least zero.</summary>
    public TimeSpan Remaining =>
        IsNever ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Max(0, end - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);

    /// <summary>The time left, but at most <paramref name="slice"/>: for waits that look up now and then.</summary>
    public TimeSpan RemainingAtMost(TimeSpan slice) => IsNever || Remaining > slice ? slice : Remaining;
}
