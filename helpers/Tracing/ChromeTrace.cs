using System.Text.Json;
using System.Text.Json.Nodes;

namespace Helpers.Tracing;

/// <summary>
/// Writes a timeline in the Chrome Trace Event format ("JSON object format"), which Perfetto
/// (ui.perfetto.dev), chrome://tracing and VizTracer's viewer open.
/// </summary>
/// <remarks>
/// Times (<c>ts</c>, <c>dur</c>) are microseconds from the timeline's start, with three decimals
/// (nanoseconds): Perfetto reads them as floats, and small numbers keep their precision in its UI.
/// A span is a complete event (<c>ph:"X"</c>); a moment an instant (<c>ph:"i"</c>, thread scope);
/// each process and row is named by metadata events (<c>process_name</c>, <c>thread_name</c>, and a
/// sort index so the rows keep the chart's order). The format wants complete events on one thread
/// to nest; the helpers' own spans do (a lock held inside a task), but marks a program made to
/// overlap without nesting are written as recorded.
/// </remarks>
internal static class ChromeTrace
{
    public static string Write(TimelineReader.Result timeline)
    {
        var events = new JsonArray();
        var processes = timeline.Lanes.Select(l => l.Pid).Distinct().ToList();
        foreach (var (pid, order) in processes.Select((p, i) => (p, i)))
        {
            var lanes = timeline.Lanes.Where(l => l.Pid == pid).ToList();
            var process = lanes.Count == 1 ? lanes[0].Name : lanes[0].Name.Split(" · ")[0];
            events.Add(Metadata("process_name", pid, null, new JsonObject { ["name"] = process }));
            events.Add(Metadata("process_sort_index", pid, null, new JsonObject { ["sort_index"] = order }));
        }

        foreach (var (lane, order) in timeline.Lanes.Select((l, i) => (l, i)))
        {
            events.Add(Metadata("thread_name", lane.Pid, lane.Thread, new JsonObject { ["name"] = lane.Name }));
            events.Add(Metadata("thread_sort_index", lane.Pid, lane.Thread, new JsonObject { ["sort_index"] = order }));
        }

        // A parent before a span it contains when both start together: longer first.
        foreach (var span in timeline.Spans.OrderBy(s => s.Start).ThenByDescending(s => s.Duration))
        {
            var args = new JsonObject { ["kind"] = span.Kind.ToString() };
            if (span.Wait)
            {
                args["wait"] = true;
            }

            if (span.Cut)
            {
                args["cut"] = true;
            }

            if (span.CpuMilliseconds is { } cpu)
            {
                args["cpu_ms"] = Round(cpu);
            }

            if (span.Detail is { } detail)
            {
                args["detail"] = detail;
            }

            events.Add(new JsonObject
            {
                ["name"] = span.What,
                ["cat"] = Category(span),
                ["ph"] = "X",
                ["ts"] = Micro(span.Start),
                ["dur"] = Micro(span.Duration),
                ["pid"] = span.Lane.Pid,
                ["tid"] = span.Lane.Thread,
                ["args"] = args,
            });
        }

        foreach (var instant in timeline.Instants)
        {
            events.Add(new JsonObject
            {
                ["name"] = instant.What,
                ["cat"] = instant.Kind.ToString().ToLowerInvariant(),
                ["ph"] = "i",
                ["s"] = "t",
                ["ts"] = Micro(instant.At),
                ["pid"] = instant.Lane.Pid,
                ["tid"] = instant.Lane.Thread,
            });
        }

        return new JsonObject
        {
            ["traceEvents"] = events,
            ["displayTimeUnit"] = "ms",
            ["otherData"] = new JsonObject
            {
                ["recorder"] = "Helpers.Tracing.Timeline",
                ["clock"] = "System.Diagnostics.Stopwatch, one monotonic clock for every process; ts in microseconds since the timeline started",
                ["started_utc"] = timeline.StartedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["dropped_events"] = timeline.Dropped,
            },
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string Category(TimelineSpan span) => span.Kind.ToString().ToLowerInvariant() + (span.Wait ? ",wait" : "");

    private static JsonObject Metadata(string name, int pid, int? tid, JsonObject args)
    {
        var metadata = new JsonObject { ["name"] = name, ["ph"] = "M", ["pid"] = pid };
        if (tid is { } thread)
        {
            metadata["tid"] = thread;
        }

        metadata["args"] = args;
        return metadata;
    }

    private static double Micro(double milliseconds) => Round(milliseconds * 1000);

    private static double Round(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
