using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Aggregates;

/// <summary>
/// Writes a batch's minute aggregates so that their effect is exactly once although Kafka delivers at least
/// once. Each minute row carries a watermark: the highest source offset counted into it. For a batch covering
/// offsets (after, through], per touched row: watermark ≥ through → already counted, skip; watermark ≤ after →
/// add the batch's delta; in between (a replay cut at other boundaries) → add only the records after the
/// watermark. Writes are conditional (If-Match on the read ETag, Add for new rows), so a writer acting on a
/// stale read, such as a zombie consumer after a rebalance, is rejected and re-reads. See docs/ledger-design.md.
/// </summary>
internal sealed class TableAggregateSink : IAggregateSink
{
    private readonly LedgerTables _tables;
    private readonly NotableEventStore _notable;
    private readonly ILogger<TableAggregateSink> _logger;

    public TableAggregateSink(LedgerTables tables, NotableEventStore notable, ILogger<TableAggregateSink> logger)
    {
        _tables = tables;
        _notable = notable;
        _logger = logger;
    }

    public async Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        var view = new BatchView(batch);
        await _tables.EnsureCreatedAsync(cancellationToken);
        foreach (var group in GroupByPartitionKey(view))
        {
            await WritePartitionAsync(view, group.Key, group.Value, cancellationToken);
        }

        await _notable.UpsertAsync(batch.NotableEvents, cancellationToken);
    }

    /// <summary>
    /// Reads the touched rows of every PartitionKey and plans the conditional transactions. <see cref="WriteAsync"/> is
    /// this plan followed by <see cref="SubmitAsync"/>; the two halves are internal seams so tests can put a second
    /// writer or a crash between reading and writing, which no timing of the public call can do reliably.
    /// </summary>
    internal async Task<List<PlannedTransaction>> PlanAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        var view = new BatchView(batch);
        await _tables.EnsureCreatedAsync(cancellationToken);
        var plan = new List<PlannedTransaction>();
        foreach (var group in GroupByPartitionKey(view))
        {
            plan.AddRange(await PlanPartitionAsync(view, group.Key, group.Value, cancellationToken));
        }

        return plan;
    }

    /// <summary>Submits one planned transaction; throws <see cref="LedgerConcurrencyException"/> if its reads went stale.</summary>
    internal Task SubmitAsync(PlannedTransaction transaction, CancellationToken cancellationToken) =>
        TransactionSubmitter.SubmitAsync(_tables.Minute, transaction, cancellationToken);

    private async Task WritePartitionAsync(BatchView view, string partitionKey, Dictionary<string, (MetricSeries Series, DateTimeOffset Window)> rows, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var plan = await PlanPartitionAsync(view, partitionKey, rows, cancellationToken);
            try
            {
                foreach (var transaction in plan)
                {
                    await SubmitAsync(transaction, cancellationToken);
                }

                return;
            }
            catch (LedgerConcurrencyException ex) when (attempt < _tables.Options.ConflictRetries)
            {
                // Re-reading is always safe: rows we already wrote now carry our watermark and are skipped.
                _logger.WriteConflict(ex, view.Batch.Topic, view.Batch.Partition, partitionKey, attempt + 1);
            }
        }
    }

    private static Dictionary<string, Dictionary<string, (MetricSeries Series, DateTimeOffset Window)>> GroupByPartitionKey(BatchView view)
    {
        var groups = new Dictionary<string, Dictionary<string, (MetricSeries, DateTimeOffset)>>(StringComparer.Ordinal);
        foreach (var (series, window) in view.All.Keys)
        {
            var pk = MinuteLayout.PartitionKey(window, view.Batch.Topic, view.Batch.Partition);
            if (!groups.TryGetValue(pk, out var rows))
            {
                rows = new Dictionary<string, (MetricSeries, DateTimeOffset)>(StringComparer.Ordinal);
                groups[pk] = rows;
            }

            rows[MinuteLayout.RowKey(window, series)] = (series, window);
        }

        return groups;
    }

    private async Task<List<PlannedTransaction>> PlanPartitionAsync(
        BatchView view, string partitionKey, Dictionary<string, (MetricSeries Series, DateTimeOffset Window)> rows, CancellationToken cancellationToken)
    {
        var batch = view.Batch;
        var minutes = rows.Values.Select(r => r.Window.UtcDateTime.Minute).ToList();
        var existing = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var entity in _tables.Minute.QueryAsync<TableEntity>(
                           MinuteLayout.RangeFilter(partitionKey, minutes.Min(), minutes.Max()), cancellationToken: cancellationToken))
        {
            if (rows.ContainsKey(entity.RowKey))
            {
                existing[entity.RowKey] = entity;
            }
        }

        var actions = new List<TableTransactionAction>();
        foreach (var (rowKey, (series, window)) in rows.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!existing.TryGetValue(rowKey, out var row))
            {
                var fresh = MinuteLayout.ToEntity(partitionKey, rowKey, series, window, batch.Topic, batch.Partition, batch.ThroughOffset, view.All[(series, window)]);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, fresh));
                continue;
            }

            var stored = SeriesCodec.Read(row);
            if (!stored.Equals(series) || MinuteLayout.Window(row) != window)
            {
                throw new InvalidDataException($"Row {partitionKey}/{rowKey} holds {stored} at {MinuteLayout.Window(row):O}, not {series} at {window:O}: a key collision.");
            }

            var watermark = row.GetInt64(MinuteLayout.WatermarkProperty) ?? long.MinValue;
            Distribution? delta;
            if (watermark >= batch.ThroughOffset)
            {
                continue;
            }
            else if (watermark <= batch.AfterOffset)
            {
                delta = view.All[(series, window)];
            }
            else
            {
                delta = view.After(watermark, series, window);
                if (delta is null)
                {
                    // Everything this batch holds for the row is at or below its watermark: nothing to add.
                    continue;
                }
            }

            var merged = DistributionCodec.Read(row);
            merged.Merge(delta);
            var updated = MinuteLayout.ToEntity(partitionKey, rowKey, series, window, batch.Topic, batch.Partition, batch.ThroughOffset, merged);
            updated.ETag = row.ETag;
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, updated, row.ETag));
        }

        return PlannedTransaction.Pack(partitionKey, actions);
    }
}
