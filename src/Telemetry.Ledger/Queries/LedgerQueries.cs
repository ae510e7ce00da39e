using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Rollups;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Queries;

/// <summary>
/// Seed 004's questions, answered from the ledger: metrics of a series or a filtered metric over a time range
/// (from the cheapest table that is complete for each part of the range), failed and slow events, retry
/// statistics, failed and slow network operations.
/// </summary>
public sealed class LedgerQueries
{
    private readonly LedgerTables _tables;
    private readonly NotableEventStore _notable;
    private readonly RollupState _state;

    internal LedgerQueries(LedgerTables tables, NotableEventStore notable)
    {
        _tables = tables;
        _notable = notable;
        _state = new RollupState(tables);
    }

    /// <summary>Count, sum, min, max, average and p50/p95/p99 of every matching series, merged.</summary>
    public async Task<MetricSummary> GetMetricAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        var bySeries = await ReadSeriesAsync(query, cancellationToken);
        var merged = new Distribution();
        var unit = string.Empty;
        foreach (var (series, d) in bySeries)
        {
            merged.Merge(d);
            unit = series.Unit;
        }

        return MetricSummary.From(query.Metric, unit, query.Dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).ToList(), merged, bySeries.Count);
    }

    /// <summary>The same figures per matching series, ordered by dimensions.</summary>
    public async Task<IReadOnlyList<MetricSummary>> GetMetricBySeriesAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        var bySeries = await ReadSeriesAsync(query, cancellationToken);
        return bySeries
            .Select(s => MetricSummary.From(s.Key.Name, s.Key.Unit, s.Key.Dimensions, s.Value, 1))
            .OrderBy(s => string.Join(',', s.Dimensions.Select(d => d.Key + "=" + d.Value)), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Every minute aggregate in [from, to), merged across source partitions, optionally of one metric only.
    /// Reads the minute table, so it sees exactly what the sinks wrote (the crash suite compares it with ground truth).
    /// </summary>
    public async Task<IReadOnlyList<MinuteAggregate>> ReadMinuteAggregatesAsync(DateTimeOffset from, DateTimeOffset to, string? metric, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var merged = new Dictionary<(MetricSeries, DateTimeOffset), Distribution>();
        await foreach (var row in _tables.Minute.QueryAsync<TableEntity>(MinuteFilter(metric, from, to), cancellationToken: cancellationToken))
        {
            var key = (SeriesCodec.Read(row), MinuteLayout.Window(row));
            if (merged.TryGetValue(key, out var d))
            {
                d.Merge(DistributionCodec.Read(row));
            }
            else
            {
                merged[key] = DistributionCodec.Read(row);
            }
        }

        return merged
            .Select(m => new MinuteAggregate(m.Key.Item1, m.Key.Item2, m.Value))
            .OrderBy(a => a.WindowStart)
            .ThenBy(a => a.Series.ToString(), StringComparer.Ordinal)
            .ToList();
    }

    public Task<IReadOnlyList<NotableEvent>> GetFailedEventsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        NotableAsync([NotableEventKind.FailedEvent], from, to, null, cancellationToken);

    /// <summary>Events slower than the threshold (seed 004: <c>get_slow_events(threshold_seconds)</c>).</summary>
    public Task<IReadOnlyList<NotableEvent>> GetSlowEventsAsync(double thresholdSeconds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        NotableAsync([NotableEventKind.SlowEvent], from, to, thresholdSeconds, cancellationToken);

    public Task<IReadOnlyList<NotableEvent>> GetFailedNetworkOperationsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        NotableAsync([NotableEventKind.FailedNetworkOperation], from, to, null, cancellationToken);

    public Task<IReadOnlyList<NotableEvent>> GetSlowNetworkOperationsAsync(double thresholdSeconds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        NotableAsync([NotableEventKind.SlowNetworkOperation], from, to, thresholdSeconds, cancellationToken);

    /// <summary>Notable events of the given kinds in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<NotableEvent>> GetNotableEventsAsync(IReadOnlyCollection<NotableEventKind> kinds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await _notable.QueryAsync(kinds, from, to, cancellationToken);

    public async Task<RetryStatistics> GetRetryStatisticsAsync(DateTimeOffset from, DateTimeOffset to, RetryMetricNames? names, CancellationToken cancellationToken)
    {
        names ??= new RetryMetricNames();
        var retries = await GetMetricAsync(new MetricQuery(names.EventRetries, from, to), cancellationToken);
        var messageRetries = await GetMetricAsync(new MetricQuery(names.MessageRetryCount, from, to), cancellationToken);
        var deadLetters = await GetMetricAsync(new MetricQuery(names.DeadLetterCount, from, to), cancellationToken);
        // Retry counts are whole numbers, so "at least one retry" is exactly everything outside the zero bucket.
        var retried = retries.Distribution.Count - retries.Distribution.Histogram.ZeroCount;
        return new RetryStatistics(retries, retried, CountOf(messageRetries), CountOf(deadLetters));
    }

    /// <summary>
    /// A count metric (<c>...count</c>) records 1 per event, but a producer may also record a batch's count as one
    /// value, so the number of events is the sum, not the number of recordings.
    /// </summary>
    private static long CountOf(MetricSummary summary) => summary.Count == 0 ? 0 : (long)Math.Round(summary.Sum);

    private async Task<IReadOnlyList<NotableEvent>> NotableAsync(
        NotableEventKind[] kinds, DateTimeOffset from, DateTimeOffset to, double? thresholdSeconds, CancellationToken cancellationToken)
    {
        var events = await _notable.QueryAsync(kinds, from, to, cancellationToken);
        return thresholdSeconds is { } t
            ? events.Where(e => e.DurationMs is { } ms && ms >= t * 1000).ToList()
            : events;
    }

    private async Task<Dictionary<MetricSeries, Distribution>> ReadSeriesAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.Metric);
        if (query.To <= query.From)
        {
            throw new ArgumentException($"The range ends ({query.To:O}) at or before it starts ({query.From:O}).", nameof(query));
        }

        await _tables.EnsureCreatedAsync(cancellationToken);
        var result = new Dictionary<MetricSeries, Distribution>();
        foreach (var (resolution, from, to) in await PlanAsync(query, cancellationToken))
        {
            var (table, filter) = resolution switch
            {
                QueryResolution.Minute => (_tables.Minute, MinuteFilter(query.Metric, from, to)),
                QueryResolution.Hour => (_tables.Hourly, RollupFilter(query.Metric, from, to, RollupLayout.HourlyPartitionKey, RollupLayout.HourlyRowPrefix, m => m.AddMonths(1), StartOfMonth)),
                _ => (_tables.Daily, RollupFilter(query.Metric, from, to, RollupLayout.DailyPartitionKey, RollupLayout.DailyRowPrefix, y => y.AddYears(1), StartOfYear)),
            };
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                var series = SeriesCodec.Read(row);
                if (!string.Equals(series.Name, query.Metric, StringComparison.Ordinal) || !Matches(series, query.Dimensions))
                {
                    continue;
                }

                if (result.TryGetValue(series, out var d))
                {
                    d.Merge(DistributionCodec.Read(row));
                }
                else
                {
                    result[series] = DistributionCodec.Read(row);
                }
            }
        }

        return result;
    }

    /// <summary>Splits the range over the tables: rollups for whole rolled hours and days, minute rows for the rest.</summary>
    private async Task<List<(QueryResolution Resolution, DateTimeOffset From, DateTimeOffset To)>> PlanAsync(MetricQuery query, CancellationToken cancellationToken)
    {
        var from = query.From;
        var to = query.To;
        switch (query.Resolution)
        {
            case QueryResolution.Minute:
                return [(QueryResolution.Minute, from, to)];
            case QueryResolution.Hour:
                return [(QueryResolution.Hour, MinuteLayout.FloorHour(from), CeilHour(to))];
            case QueryResolution.Day:
                return [(QueryResolution.Day, MinuteLayout.FloorDay(from), CeilDay(to))];
        }

        var (_, rolledThrough) = await _state.ReadCheckpointAsync(cancellationToken);
        var hoursStart = CeilHour(from);
        var hoursEnd = rolledThrough is { } r ? Min(MinuteLayout.FloorHour(to), r) : hoursStart;
        if (hoursStart >= hoursEnd)
        {
            return [(QueryResolution.Minute, from, to)];
        }

        var plan = new List<(QueryResolution, DateTimeOffset, DateTimeOffset)>();
        Add(plan, QueryResolution.Minute, from, hoursStart);
        var daysStart = CeilDay(hoursStart);
        var daysEnd = MinuteLayout.FloorDay(hoursEnd);
        if (daysStart < daysEnd)
        {
            Add(plan, QueryResolution.Hour, hoursStart, daysStart);
            Add(plan, QueryResolution.Day, daysStart, daysEnd);
            Add(plan, QueryResolution.Hour, daysEnd, hoursEnd);
        }
        else
        {
            Add(plan, QueryResolution.Hour, hoursStart, hoursEnd);
        }

        Add(plan, QueryResolution.Minute, hoursEnd, to);
        return plan;

        static void Add(List<(QueryResolution, DateTimeOffset, DateTimeOffset)> plan, QueryResolution resolution, DateTimeOffset a, DateTimeOffset b)
        {
            if (a < b)
            {
                plan.Add((resolution, a, b));
            }
        }
    }

    private static string MinuteFilter(string? metric, DateTimeOffset from, DateTimeOffset to)
    {
        var hours = MinuteLayout.HoursFilter(MinuteLayout.FloorHour(from), CeilHour(to));
        var window = TableClient.CreateQueryFilter($"Window ge {from} and Window lt {to}");
        return metric is null
            ? $"{hours} and {window}"
            : $"{hours} and {window} and {TableClient.CreateQueryFilter($"Metric eq {metric}")}";
    }

    /// <summary>One RowKey range per partition (month or year) the range touches, OR-ed into one query.</summary>
    private static string RollupFilter(
        string metric, DateTimeOffset from, DateTimeOffset to,
        Func<string, DateTimeOffset, string> partitionKey, Func<DateTimeOffset, string> rowPrefix,
        Func<DateTimeOffset, DateTimeOffset> nextPartition, Func<DateTimeOffset, DateTimeOffset> partitionStart)
    {
        var clauses = new List<string>();
        for (var p = partitionStart(from); p < to; p = nextPartition(p))
        {
            clauses.Add("(" + TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey(metric, p)} and RowKey ge {rowPrefix(from)} and RowKey lt {rowPrefix(to)}") + ")");
        }

        return string.Join(" or ", clauses);
    }

    private static bool Matches(MetricSeries series, IReadOnlyDictionary<string, string> filter)
    {
        foreach (var (key, value) in filter)
        {
            if (!string.Equals(series[key], value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset StartOfMonth(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset StartOfYear(DateTimeOffset t) => new(t.UtcDateTime.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset CeilHour(DateTimeOffset t) => MinuteLayout.FloorHour(t) == t ? t : MinuteLayout.FloorHour(t).AddHours(1);

    private static DateTimeOffset CeilDay(DateTimeOffset t) => MinuteLayout.FloorDay(t) == t ? t : MinuteLayout.FloorDay(t).AddDays(1);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
