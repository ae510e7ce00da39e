using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Rollups;

/// <summary>
/// Folds minute rows into hourly and daily rows, and applies retention. Idempotent by construction: an hour is
/// recomputed from all its minute rows and overwritten (never added to), a day from its hourly rows, so running
/// twice writes the same values. Hours to recompute are those whose minute rows changed since the last run
/// (found by the service's row Timestamp), so late data into an already-rolled hour is rolled again.
/// Minute rows are deleted past retention only when no row of their hour changed after this run's scan, i.e.
/// only once they are rolled; the hour is then sealed, and rows arriving for a sealed hour later are dropped
/// with a warning (retention must exceed how far back Kafka can redeliver; see docs/ledger-design.md).
/// </summary>
public sealed class LedgerRollup
{
    /// <summary>Re-scan this much before the last scan's newest timestamp, in case the service's clocks disagree a little.</summary>
    private static readonly TimeSpan ScanMargin = TimeSpan.FromMinutes(5);

    private readonly LedgerTables _tables;
    private readonly RollupState _state;
    private readonly NotableEventStore _notable;
    private readonly ILogger<LedgerRollup> _logger;

    internal LedgerRollup(LedgerTables tables, NotableEventStore notable, ILogger<LedgerRollup> logger)
    {
        _tables = tables;
        _state = new RollupState(tables);
        _notable = notable;
        _logger = logger;
    }

    public async Task<RollupResult> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var (scanFrom, _) = await _state.ReadCheckpointAsync(cancellationToken);
        var sealedHours = await _state.ReadSealedHoursAsync(cancellationToken);

        // 1. Which hours changed since the last run.
        var dirtyHours = new SortedSet<DateTimeOffset>();
        DateTimeOffset? newestSeen = scanFrom;
        var scanFilter = scanFrom is { } from ? TableClient.CreateQueryFilter($"Timestamp ge {from - ScanMargin}") : null;
        await foreach (var row in _tables.Minute.QueryAsync<TableEntity>(scanFilter, select: ["PartitionKey", "Timestamp"], cancellationToken: cancellationToken))
        {
            dirtyHours.Add(MinuteLayout.ParseHour(row.PartitionKey));
            if (row.Timestamp is { } ts && (newestSeen is null || ts > newestSeen))
            {
                newestSeen = ts;
            }
        }

        // 2. Recompute those hours, then the days they belong to.
        var hoursRolled = 0;
        var lateDropped = 0;
        var dirtyDays = new SortedSet<DateTimeOffset>();
        foreach (var hour in dirtyHours)
        {
            if (sealedHours.Contains(hour))
            {
                lateDropped += await DropLateRowsAsync(hour, cancellationToken);
                continue;
            }

            await RollHourAsync(hour, cancellationToken);
            hoursRolled++;
            dirtyDays.Add(MinuteLayout.FloorDay(hour));
        }

        foreach (var day in dirtyDays)
        {
            await RollDayAsync(day, cancellationToken);
        }

        var rolledThrough = MinuteLayout.FloorHour(now);
        await _state.WriteCheckpointAsync(newestSeen, rolledThrough, cancellationToken);

        // 3. Retention.
        var minuteDeleted = await DeleteExpiredMinuteRowsAsync(now - TimeSpan.FromDays(_tables.Options.MinuteRetentionDays), newestSeen, cancellationToken);
        var notableDeleted = await _notable.DeleteBeforeAsync(now - TimeSpan.FromDays(_tables.Options.NotableRetentionDays), cancellationToken);

        var result = new RollupResult(hoursRolled, dirtyDays.Count, minuteDeleted, lateDropped, notableDeleted, rolledThrough);
        _logger.Rolled(
            result.HoursRolled, result.DaysRolled, result.MinuteRowsDeleted, result.NotableEventsDeleted, result.LateRowsDropped);
        return result;
    }

    private Task RollHourAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        RollAsync(
            _tables.Minute,
            MinuteLayout.HoursFilter(hour, hour.AddHours(1)),
            _tables.Hourly,
            series => RollupLayout.ToEntity(
                RollupLayout.HourlyPartitionKey(series.Key.Name, hour), RollupLayout.HourlyRowKey(hour, series.Key), series.Key, hour, series.Value),
            cancellationToken);

    private Task RollDayAsync(DateTimeOffset day, CancellationToken cancellationToken) =>
        RollAsync(
            _tables.Hourly,
            TableClient.CreateQueryFilter($"RowKey ge {RollupLayout.DailyRowPrefix(day)} and RowKey lt {RollupLayout.DailyRowPrefix(day.AddDays(1))}"),
            _tables.Daily,
            series => RollupLayout.ToEntity(
                RollupLayout.DailyPartitionKey(series.Key.Name, day), RollupLayout.DailyRowKey(day, series.Key), series.Key, day, series.Value),
            cancellationToken);

    // An hour folds minute rows and a day folds hourly rows the same way: merge every series' distributions read by
    // the filter, then write one row per series into the coarser table.
    private static async Task RollAsync(
        TableClient source,
        string filter,
        TableClient target,
        Func<KeyValuePair<MetricSeries, Distribution>, TableEntity> toRow,
        CancellationToken cancellationToken)
    {
        var merged = new Dictionary<MetricSeries, Distribution>();
        await foreach (var row in source.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            Merge(merged, SeriesCodec.Read(row), DistributionCodec.Read(row));
        }

        await WriteRollupAsync(target, merged.Select(toRow), cancellationToken);
    }

    private static async Task WriteRollupAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var group in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            // Replace, not merge: the row is the whole truth for its window, so a re-run writes the same bits.
            await TransactionSubmitter.SubmitAllAsync(
                table, group.Key, group.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
        }
    }

    private async Task<int> DeleteExpiredMinuteRowsAsync(DateTimeOffset cutoff, DateTimeOffset? newestRolled, CancellationToken cancellationToken)
    {
        var cutoffHour = MinuteLayout.FloorHour(cutoff);
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {MinuteLayout.HourBucket(cutoffHour)}");
        var byHour = new SortedDictionary<DateTimeOffset, List<TableEntity>>();
        await foreach (var row in _tables.Minute.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Timestamp"], cancellationToken: cancellationToken))
        {
            var hour = MinuteLayout.ParseHour(row.PartitionKey);
            if (!byHour.TryGetValue(hour, out var list))
            {
                list = [];
                byHour[hour] = list;
            }

            list.Add(row);
        }

        var deleted = 0;
        foreach (var (hour, rows) in byHour)
        {
            if (rows.Any(r => newestRolled is null || r.Timestamp > newestRolled))
            {
                // Written after this run's scan: not rolled yet. The next run rolls it, then deletes it.
                continue;
            }

            await _state.SealAsync(hour, cancellationToken);
            deleted += await DeleteRowsAsync(rows, cancellationToken);
        }

        return deleted;
    }

    private async Task<int> DropLateRowsAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _tables.Minute.QueryAsync<TableEntity>(MinuteLayout.HoursFilter(hour, hour.AddHours(1)), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        _logger.LateRowsDropped(rows.Count, hour);
        return await DeleteRowsAsync(rows, cancellationToken);
    }

    private async Task<int> DeleteRowsAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var group in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            // If-Match on the ETag we read: a row rewritten since (late data) is left for the next run.
            foreach (var transaction in PlannedTransaction.Pack(
                         group.Key, group.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), r.ETag))))
            {
                try
                {
                    await TransactionSubmitter.SubmitAsync(_tables.Minute, transaction, cancellationToken);
                    deleted += transaction.Actions.Count;
                }
                catch (LedgerConcurrencyException ex)
                {
                    _logger.PartitionChanged(ex, group.Key);
                }
            }
        }

        return deleted;
    }

    private static void Merge(Dictionary<MetricSeries, Distribution> merged, MetricSeries series, Distribution distribution)
    {
        if (merged.TryGetValue(series, out var existing))
        {
            existing.Merge(distribution);
        }
        else
        {
            merged[series] = distribution;
        }
    }
}
