using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Queries;

namespace Telemetry.Host.Commands;

/// <summary>
/// <c>report</c>: seed 004's questions answered from the ledger. Sub-commands: <c>metrics</c>, <c>failed-events</c>,
/// <c>slow-events</c>, <c>retry-stats</c>, <c>failed-network-ops</c>, <c>slow-network-ops</c>. A table by default,
/// <c>--json</c> for machines. The time range is <c>--from</c>/<c>--to</c> (ISO 8601, UTC) or the last <c>--last</c>
/// (e.g. 15m, 2h, 7d; default 1h).
/// </summary>
internal static class ReportCommand
{
    /// <param name="services">Resolves the host's services (with <c>AddTelemetryLedger</c>); called only when a report runs.</param>
    /// <param name="time">The clock for <c>--last</c>; the system clock by default.</param>
    public static Command Create(Func<IServiceProvider> services, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        time ??= TimeProvider.System;
        var report = new Command("report", "Query the ledger: metrics, failed and slow events, retry statistics, failed and slow network operations.");
        report.Add(Metrics(services, time));
        report.Add(Notable("failed-events", "Failed events (seed 004 get_failed_events).", services, time, withThreshold: false,
            (q, from, to, _, ct) => q.GetFailedEventsAsync(from, to, ct)));
        report.Add(Notable("slow-events", "Events slower than a threshold (seed 004 get_slow_events).", services, time, withThreshold: true,
            (q, from, to, t, ct) => q.GetSlowEventsAsync(t, from, to, ct)));
        report.Add(Notable("failed-network-ops", "Failed network operations (seed 004 get_failed_network_ops).", services, time, withThreshold: false,
            (q, from, to, _, ct) => q.GetFailedNetworkOperationsAsync(from, to, ct)));
        report.Add(Notable("slow-network-ops", "Network operations slower than a threshold (seed 004 get_slow_network_ops).", services, time, withThreshold: true,
            (q, from, to, t, ct) => q.GetSlowNetworkOperationsAsync(t, from, to, ct)));
        report.Add(RetryStats(services, time));
        return report;
    }

    private static Command Metrics(Func<IServiceProvider> services, TimeProvider time)
    {
        var range = new RangeOptions();
        var metric = new Option<string>("--metric", "-m") { Description = "Metric name, e.g. event_pipeline.event.execution.duration.", Required = true };
        var dims = new Option<string[]>("--dim", "-d") { Description = "Dimension filter key=value (repeatable). All dimensions of a series select that series.", AllowMultipleArgumentsPerToken = false };
        var bySeries = new Option<bool>("--by-series") { Description = "One line per matching series instead of one merged line." };
        var resolution = new Option<QueryResolution>("--resolution") { Description = "auto (default), minute, hour or day.", DefaultValueFactory = _ => QueryResolution.Auto };
        var command = new Command("metrics", "Count, sum, min, max, avg, p50, p95, p99 of a metric over a time range.") { metric, dims, bySeries, resolution };
        range.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (from, to) = range.Resolve(parse, time);
            var filter = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var d in parse.GetValue(dims) ?? [])
            {
                var eq = d.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--dim '{d}' is not key=value.");
                    return 2;
                }

                filter[d[..eq]] = d[(eq + 1)..];
            }

            var query = new MetricQuery(parse.GetRequiredValue(metric), from, to) { Dimensions = filter, Resolution = parse.GetValue(resolution) };
            var queries = services().GetRequiredService<LedgerQueries>();
            IReadOnlyList<MetricSummary> rows = parse.GetValue(bySeries)
                ? await queries.GetMetricBySeriesAsync(query, ct)
                : [await queries.GetMetricAsync(query, ct)];
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(range.Json))
            {
                var array = new JsonArray();
                foreach (var r in rows)
                {
                    array.Add(ToJson(r, from, to));
                }

                await output.WriteLineAsync(array.ToJsonString(JsonOptions));
                return 0;
            }

            await output.WriteLineAsync($"{query.Metric} from {from:u} to {to:u} ({query.Resolution.ToString().ToLowerInvariant()} resolution)");
            await output.WriteAsync(Table(
                ["series", "count", "sum", "min", "max", "avg", "p50", "p95", "p99", "unit"],
                rows.Select(r => new[]
                {
                    Dimensions(r.Dimensions), r.Count.ToString(CultureInfo.InvariantCulture), Number(r.Sum), Number(r.Min), Number(r.Max),
                    Number(r.Average), Number(r.P50), Number(r.P95), Number(r.P99), r.Unit,
                })));
            return 0;
        });
        return command;
    }

    private static Command Notable(
        string name, string description, Func<IServiceProvider> services, TimeProvider time, bool withThreshold,
        Func<LedgerQueries, DateTimeOffset, DateTimeOffset, double, CancellationToken, Task<IReadOnlyList<NotableEvent>>> run)
    {
        var range = new RangeOptions();
        var threshold = new Option<double>("--threshold-seconds", "-t")
        {
            Description = "Report operations at least this slow.",
            DefaultValueFactory = _ => name.Contains("network", StringComparison.Ordinal) ? 1.0 : 2.0,
        };
        var limit = new Option<int>("--limit") { Description = "Show at most this many (newest last).", DefaultValueFactory = _ => 100 };
        var command = new Command(name, description) { limit };
        if (withThreshold)
        {
            command.Add(threshold);
        }

        range.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (from, to) = range.Resolve(parse, time);
            var events = await run(services().GetRequiredService<LedgerQueries>(), from, to, parse.GetValue(threshold), ct);
            var shown = events.TakeLast(Math.Max(0, parse.GetValue(limit))).ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(range.Json))
            {
                var array = new JsonArray();
                foreach (var e in shown)
                {
                    var attrs = new JsonObject();
                    foreach (var (k, v) in e.Attributes)
                    {
                        attrs[k] = v;
                    }

                    array.Add(new JsonObject
                    {
                        ["kind"] = e.Kind.ToString(),
                        ["time"] = e.Time.ToString("O", CultureInfo.InvariantCulture),
                        ["event"] = e.EventName,
                        ["origin"] = e.Origin,
                        ["reason"] = e.Reason,
                        ["duration_ms"] = e.DurationMs,
                        ["attributes"] = attrs,
                    });
                }

                await output.WriteLineAsync(array.ToJsonString(JsonOptions));
                return 0;
            }

            await output.WriteLineAsync($"{name}: {events.Count} from {from:u} to {to:u}{(events.Count > shown.Count ? $", newest {shown.Count} shown" : string.Empty)}");
            await output.WriteAsync(Table(
                ["time", "event", "duration ms", "reason", "attributes", "origin"],
                shown.Select(e => new[]
                {
                    e.Time.ToString("u", CultureInfo.InvariantCulture), e.EventName, e.DurationMs is { } d ? Number(d) : "",
                    e.Reason ?? "", Dimensions(e.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList()), e.Origin,
                })));
            return 0;
        });
        return command;
    }

    private static Command RetryStats(Func<IServiceProvider> services, TimeProvider time)
    {
        var range = new RangeOptions();
        var defaults = new RetryMetricNames();
        var retriesMetric = new Option<string>("--retries-metric") { Description = "Distribution of retries per event.", DefaultValueFactory = _ => defaults.EventRetries };
        var command = new Command("retry-stats", "Retry statistics (seed 004 get_retry_stats): retries per event, Kafee message retries and dead letters.") { retriesMetric };
        range.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (from, to) = range.Resolve(parse, time);
            var names = defaults with { EventRetries = parse.GetRequiredValue(retriesMetric) };
            var stats = await services().GetRequiredService<LedgerQueries>().GetRetryStatisticsAsync(from, to, names, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(range.Json))
            {
                var json = new JsonObject
                {
                    ["events"] = stats.EventRetries.Count,
                    ["events_retried"] = stats.EventsRetried,
                    ["total_retries"] = stats.EventRetries.Count == 0 ? 0 : stats.EventRetries.Sum,
                    ["max_retries"] = Finite(stats.EventRetries.Max),
                    ["avg_retries"] = Finite(stats.EventRetries.Average),
                    ["p95_retries"] = Finite(stats.EventRetries.P95),
                    ["message_retries"] = stats.MessageRetries,
                    ["dead_letters"] = stats.DeadLetters,
                };
                await output.WriteLineAsync(json.ToJsonString(JsonOptions));
                return 0;
            }

            await output.WriteLineAsync($"retry statistics from {from:u} to {to:u}");
            await output.WriteAsync(Table(
                ["events", "retried", "total retries", "max", "avg", "p95", "message retries", "dead letters"],
                [[
                    stats.EventRetries.Count.ToString(CultureInfo.InvariantCulture), stats.EventsRetried.ToString(CultureInfo.InvariantCulture),
                    stats.EventRetries.Count == 0 ? "0" : Number(stats.EventRetries.Sum), Number(stats.EventRetries.Max), Number(stats.EventRetries.Average),
                    Number(stats.EventRetries.P95), stats.MessageRetries.ToString(CultureInfo.InvariantCulture), stats.DeadLetters.ToString(CultureInfo.InvariantCulture),
                ]]));
            return 0;
        });
        return command;
    }

    // Relaxed escaping keeps timestamps and names readable (+, <, non-ASCII); the output is never embedded in HTML.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonObject ToJson(MetricSummary r, DateTimeOffset from, DateTimeOffset to)
    {
        var dims = new JsonObject();
        foreach (var (k, v) in r.Dimensions)
        {
            dims[k] = v;
        }

        return new JsonObject
        {
            ["metric"] = r.Metric,
            ["unit"] = r.Unit,
            ["dimensions"] = dims,
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["series"] = r.SeriesCount,
            ["count"] = r.Count,
            ["sum"] = r.Sum,
            ["min"] = Finite(r.Min),
            ["max"] = Finite(r.Max),
            ["avg"] = Finite(r.Average),
            ["p50"] = Finite(r.P50),
            ["p95"] = Finite(r.P95),
            ["p99"] = Finite(r.P99),
        };
    }

    /// <summary>Empty ranges have NaN statistics; JSON has no NaN, so they become null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static string Dimensions(IReadOnlyList<KeyValuePair<string, string>> dims) =>
        dims.Count == 0 ? "(all)" : string.Join(",", dims.Select(d => $"{d.Key}={d.Value}"));

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => Math.Min(60, all.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            sb.AppendJoin("  ", row.Select((cell, i) => (cell.Length > widths[i] ? cell[..(widths[i] - 1)] + "…" : cell).PadRight(widths[i]))).Append('\n');
            if (index == 0)
            {
                sb.AppendJoin("  ", widths.Select(w => new string('-', w))).Append('\n');
            }
        }

        if (all.Count == 1)
        {
            sb.Append("(none)\n");
        }

        return sb.ToString();
    }

    /// <summary>The time-range and output options every report shares.</summary>
    private sealed class RangeOptions
    {
        public Option<DateTimeOffset?> From { get; } = new("--from") { Description = "Start of the range (ISO 8601, UTC if no offset)." };

        public Option<DateTimeOffset?> To { get; } = new("--to") { Description = "End of the range, exclusive (default now)." };

        public Option<string> Last { get; } = new("--last") { Description = "Range ending now (or at --to): 15m, 2h, 7d.", DefaultValueFactory = _ => "1h" };

        public Option<bool> Json { get; } = new("--json") { Description = "Write JSON instead of a table." };

        public void AddTo(Command command)
        {
            command.Add(From);
            command.Add(To);
            command.Add(Last);
            command.Add(Json);
        }

        public (DateTimeOffset From, DateTimeOffset To) Resolve(ParseResult parse, TimeProvider time)
        {
            var to = (parse.GetValue(To) ?? time.GetUtcNow()).ToUniversalTime();
            var from = parse.GetValue(From)?.ToUniversalTime() ?? to - ParseDuration(parse.GetValue(Last) ?? "1h");
            return (from, to);
        }

        private static TimeSpan ParseDuration(string text)
        {
            if (text.Length >= 2 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                switch (text[^1])
                {
                    case 's': return TimeSpan.FromSeconds(n);
                    case 'm': return TimeSpan.FromMinutes(n);
                    case 'h': return TimeSpan.FromHours(n);
                    case 'd': return TimeSpan.FromDays(n);
                }
            }

            throw new ArgumentException($"--last '{text}' is not a duration such as 15m, 2h or 7d.");
        }
    }
}
