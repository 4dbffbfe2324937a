using System.Text;
using Helpers.Charts;

namespace Helpers.Tracing;

/// <summary>
/// Who ran when: while it records, every process of the program (this one, the children it starts,
/// their children, a pool's workers) writes what it does into one block of shared memory: a child's
/// start step by step, a pool task's run, a lock waited for and held, a queue's put and get, a
/// thread's run, a cluster call. Then <see cref="ToChart"/> draws it, one row per process or thread,
/// and <see cref="Save"/> writes it for Perfetto (ui.perfetto.dev) or chrome://tracing, as VizTracer
/// does for Python.
/// </summary>
/// <remarks>
/// <para>Only processes started while it records join it: start the timeline first, then the
/// processes or the pool. A child killed with SIGKILL keeps what it recorded: its events are in the
/// parent's memory as soon as they are written, and a span it never ended is drawn cut at its death.</para>
/// <para>Why not .NET's own tracing: an <c>Activity</c> or an <c>EventSource</c> event reaches a
/// listener only inside the process that wrote it, and EventPipe needs a diagnostics session per
/// child and a parser (Microsoft.Diagnostics.Tracing.TraceEvent) to read it back; none of them keeps
/// the events of a killed child. One shared block keeps them, costs an atomic add and a few stores
/// an event, and is the helpers' own <see cref="Multiprocessing.SharedMemory"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var timeline = Timeline.Start();
/// using (var pool = new Pool(2)) pool.Map(Square, Enumerable.Range(0, 100));
/// timeline.Stop();
/// timeline.ToChart("Pool(2).Map")   // in a notebook, the chart; timeline.Save("run.json") for Perfetto
/// </code>
/// </example>
public sealed class Timeline : IDisposable
{
    /// <summary>How many events a timeline holds unless told otherwise (40 bytes each: 2.5 MiB).</summary>
    public const int DefaultCapacity = 64 * 1024;

    private static readonly System.Threading.Lock StartGate = new();
    private static Timeline? recording;
    private readonly System.Threading.Lock gate = new();
    private Recorder? recorder;
    private TimelineReader.Result? result;

    private Timeline(Recorder recorder) => this.recorder = recorder;

    /// <summary>True while a timeline records in this process (its own, or its parent's that it joined).</summary>
    public static bool IsRecording => Recorder.Current is { IsOn: true };

    /// <summary>The timeline <see cref="Start"/> returned that records now in this process, if any: to stop one whose variable was lost (a cell interrupted before it stopped it).</summary>
    public static Timeline? Recording => recording;

    /// <summary>True once <see cref="Stop"/> has run.</summary>
    public bool IsStopped => result is not null;

    /// <summary>The rows, top to bottom: this process first, then the others as they appeared.</summary>
    /// <exception cref="InvalidOperationException">Still recording: call <see cref="Stop"/> first.</exception>
    public IReadOnlyList<TimelineLane> Lanes => Read().Lanes;

    /// <summary>Everything that lasted, in order of start.</summary>
    /// <exception cref="InvalidOperationException">Still recording: call <see cref="Stop"/> first.</exception>
    public IReadOnlyList<TimelineSpan> Spans => Read().Spans;

    /// <summary>The moments: queue puts and gets, a child's end.</summary>
    /// <exception cref="InvalidOperationException">Still recording: call <see cref="Stop"/> first.</exception>
    public IReadOnlyList<TimelineInstant> Instants => Read().Instants;

    /// <summary>Events refused because the timeline was full (then raise the capacity of <see cref="Start"/>, or record less).</summary>
    public long Dropped => Read().Dropped;

    /// <summary>How long it recorded, in milliseconds.</summary>
    public double Milliseconds => Read().Length;

    /// <summary>When it started, by the wall clock (UTC).</summary>
    public DateTime StartedUtc => Read().StartedUtc;

    /// <summary>Starts recording, in this process and every process started from now until <see cref="Stop"/>.</summary>
    /// <param name="capacity">How many events it can hold; beyond that, events are counted in <see cref="Dropped"/>, not kept.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is not between 16 and 16 M.</exception>
    /// <exception cref="InvalidOperationException">A timeline already records here: stop it first.</exception>
    public static Timeline Start(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 16 * 1024 * 1024);
        lock (StartGate)
        {
            if (Recorder.Current is not null)
            {
                throw new InvalidOperationException(Multiprocessing.ChildMain.Current is not null
                    ? "This process records into its parent's timeline already; start a timeline in the main program."
                    : "A timeline is already recording: call Stop() on it (Timeline.Recording?.Stop() if its variable is gone) before starting another.");
            }

            var recorder = Recorder.Start(capacity);
            recorder.Name(Multiprocessing.Mp.CurrentProcess().Name);
            return recording = new Timeline(recorder);
        }
    }

    /// <summary>
    /// Marks a span of this program's own (VizTracer's <c>VizEvent</c>): from now until the scope is
    /// disposed, on the calling thread's row. Costs nothing when no timeline records.
    /// </summary>
    /// <param name="what">What it is, as the chart shows it.</param>
    /// <example><c>using (Timeline.Mark("read the file")) { … }</c></example>
    public static MarkScope Mark(string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        if (Recorder.Current is not { } recorder)
        {
            return default;
        }

        var id = Recorder.NewId();
        recorder.Record(EventKind.Mark, EventPhase.Begin, what, id);
        return new MarkScope(id, what);
    }

    /// <summary>Stops recording in every process and reads what was recorded; again, does nothing.</summary>
    public void Stop()
    {
        lock (gate)
        {
            if (recorder is null)
            {
                return;
            }

            try
            {
                var (records, names, dropped, stop) = recorder.Stop();
                result = TimelineReader.Read(records, names, recorder.OriginTicks, stop, recorder.OriginUtc, dropped, Environment.ProcessId);
            }
            finally
            {
                Interlocked.CompareExchange(ref recording, null, this);
                recorder.Dispose();
                recorder = null;
            }
        }
    }

    /// <summary>Stops recording and frees the shared memory (<see cref="Stop"/>); what was read stays readable.</summary>
    public void Dispose() => Stop();

    /// <summary>
    /// How long, in milliseconds, at least <paramref name="atLeast"/> rows were inside spans that
    /// <paramref name="which"/> selects at the same time: for example how long both pool workers ran a
    /// task at once.
    /// </summary>
    /// <param name="which">The spans to count (all if null).</param>
    /// <param name="atLeast">How many rows at once.</param>
    public double AtOnce(Func<TimelineSpan, bool>? which = null, int atLeast = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(atLeast, 1);
        var edges = Spans.Where(which ?? (_ => true))
            .SelectMany(s => new[] { (At: s.Start, Lane: s.Lane, Step: 1), (At: s.End, Lane: s.Lane, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        var open = new Dictionary<TimelineLane, int>();
        var (total, last) = (0.0, 0.0);
        foreach (var (at, lane, step) in edges)
        {
            if (open.Count >= atLeast)
            {
                total += at - last;
            }

            last = at;
            var now = open.GetValueOrDefault(lane) + step;
            if (now > 0)
            {
                open[lane] = now;
            }
            else
            {
                open.Remove(lane);
            }
        }

        return total;
    }

    /// <summary>
    /// The chart: a row per process or thread, a bar per span, coloured by kind, waits drawn thin,
    /// moments as markers; hover a bar to see what it was. Its table lists the spans.
    /// </summary>
    /// <param name="title">The chart's title.</param>
    /// <param name="which">The spans to draw (all if null); rows with none are left out.</param>
    public TimelineChart ToChart(string title, Func<TimelineSpan, bool>? which = null) => TimelineDrawing.Chart(this, title, which);

    /// <summary>The timeline in the Chrome Trace Event format (JSON), which ui.perfetto.dev and chrome://tracing open.</summary>
    public string ToChromeTrace() => ChromeTrace.Write(Read());

    /// <summary>Writes <see cref="ToChromeTrace"/> to <paramref name="path"/> (open it at ui.perfetto.dev); returns the full path.</summary>
    /// <param name="path">The file, usually ending in <c>.json</c>.</param>
    public string Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        File.WriteAllText(full, ToChromeTrace(), new UTF8Encoding(false));
        return full;
    }

    /// <summary>A summary: how long, how many rows and spans, and what was dropped.</summary>
    public override string ToString() => result is not { } r
        ? "Timeline (recording; call Stop() to read it)"
        : $"Timeline of {r.Length:0.0} ms: {r.Lanes.Count} rows, {r.Spans.Count} spans, {r.Instants.Count} moments{(r.Dropped > 0 ? $", {r.Dropped} events dropped (the timeline was full)" : "")}";

    private TimelineReader.Result Read() => result ?? throw new InvalidOperationException("The timeline is still recording: call Stop() first.");

    /// <summary>The span <see cref="Mark"/> began; disposing it ends the span.</summary>
    public readonly struct MarkScope : IDisposable, IEquatable<MarkScope>
    {
        private readonly long id;
        private readonly string? what;

        internal MarkScope(long id, string what) => (this.id, this.what) = (id, what);

        /// <summary>Ends the span (nothing if no timeline recorded when it began).</summary>
        public void Dispose()
        {
            if (what is not null && Recorder.Current is { } recorder)
            {
                recorder.Record(EventKind.Mark, EventPhase.End, what, id);
            }
        }

        /// <inheritdoc/>
        public bool Equals(MarkScope other) => id == other.id;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is MarkScope other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => id.GetHashCode();

        /// <summary>True when both scopes are the same span.</summary>
        public static bool operator ==(MarkScope left, MarkScope right) => left.Equals(right);

        /// <summary>True when the scopes are different spans.</summary>
        public static bool operator !=(MarkScope left, MarkScope right) => !left.Equals(right);
    }
}
