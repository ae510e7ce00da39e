using System.Globalization;
using Azure.Data.Tables;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.LagSamples;

/// <summary>
/// PartitionKey = group | topic | partition; RowKey = reversed ticks, so the newest samples come first and
/// "the last N" is one query that stops after N rows.
/// </summary>
internal sealed class TableLagSampleStore : ILagSampleStore
{
    private readonly LedgerTables _tables;

    public TableLagSampleStore(LedgerTables tables) => _tables = tables;

    public async Task UpsertAsync(IReadOnlyList<LagSample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        await _tables.EnsureCreatedAsync(cancellationToken);
        foreach (var group in samples.GroupBy(s => PartitionKey(s.ConsumerGroup, s.Topic, s.Partition), StringComparer.Ordinal))
        {
            var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            foreach (var s in group)
            {
                var entity = new TableEntity(group.Key, RowKey(s.Time))
                {
                    ["ConsumerGroup"] = s.ConsumerGroup,
                    ["Topic"] = s.Topic,
                    ["Partition"] = s.Partition,
                    ["Time"] = s.Time,
                    ["CommittedOffset"] = s.CommittedOffset,
                    ["EndOffset"] = s.EndOffset,
                };
                rows[entity.RowKey] = entity;
            }

            await TransactionSubmitter.SubmitAllAsync(
                _tables.LagSamples, group.Key, rows.Values.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<LagSample>> ReadLatestAsync(string consumerGroup, string topic, int partition, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await _tables.EnsureCreatedAsync(cancellationToken);
        var result = new List<LagSample>(count);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(consumerGroup, topic, partition)}");
        await foreach (var e in _tables.LagSamples.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(count, 1000), cancellationToken: cancellationToken))
        {
            result.Add(new LagSample(
                e.GetString("ConsumerGroup") ?? consumerGroup,
                e.GetString("Topic") ?? topic,
                e.GetInt32("Partition") ?? partition,
                e.GetDateTimeOffset("Time") ?? default,
                e.GetInt64("CommittedOffset") ?? -1,
                e.GetInt64("EndOffset") ?? 0));
            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }

    private static string PartitionKey(string group, string topic, int partition) =>
        KeyEncoding.Bound($"{KeyEncoding.Escape(group)}|{KeyEncoding.Escape(topic)}|{partition.ToString(CultureInfo.InvariantCulture)}");

    private static string RowKey(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
