using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Progress;

/// <summary>
/// <see cref="IFinalisedOffsets"/> in the ledger's State table: one row per source partition (PartitionKey
/// <c>finalised</c>, RowKey the escaped topic and the partition), holding the last offset whose dead letters and
/// ledger rows were written. Raising is conditional (Add if absent, If-Match on the read ETag otherwise), so two
/// instances raising at once never lower it. Unlike the consumer group's committed offset, it also records a batch
/// finished by an instance that had already lost its partition, whose commit the broker refuses.
/// </summary>
internal sealed class TableFinalisedOffsets : IFinalisedOffsets
{
    private const string Partition = "finalised";
    private const string ThroughProperty = "Through";

    // Each conflict means another writer raised the row meanwhile, and each writer writes at most once, so n writers
    // at once cost any of them at most n - 1 conflicts; two instances of one partition are the realistic case.
    private const int ConflictRetries = 8;

    private readonly LedgerTables _tables;

    public TableFinalisedOffsets(LedgerTables tables) => _tables = tables;

    public async Task<IReadOnlyDictionary<(string Topic, int Partition), long>> ReadAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var finalised = new Dictionary<(string Topic, int Partition), long>();
        if (partitions.Count == 0)
        {
            return finalised;
        }

        await _tables.EnsureCreatedAsync(cancellationToken);
        foreach (var (topic, partition) in partitions)
        {
            var row = await _tables.State.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(topic, partition), [ThroughProperty], cancellationToken);
            if (row.HasValue && row.Value!.GetInt64(ThroughProperty) is { } through)
            {
                finalised[(topic, partition)] = through;
            }
        }

        return finalised;
    }

    public async Task RaiseAsync(string topic, int partition, long throughOffset, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        await _tables.EnsureCreatedAsync(cancellationToken);
        var rowKey = RowKey(topic, partition);
        for (var attempt = 0; ; attempt++)
        {
            var row = await _tables.State.GetEntityIfExistsAsync<TableEntity>(Partition, rowKey, cancellationToken: cancellationToken);
            if (row.HasValue && row.Value!.GetInt64(ThroughProperty) >= throughOffset)
            {
                return;
            }

            var entity = new TableEntity(Partition, rowKey) { [ThroughProperty] = throughOffset };
            try
            {
                if (row.HasValue)
                {
                    await _tables.State.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await _tables.State.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < ConflictRetries)
            {
                // Another instance wrote the row between our read and write: read it again.
            }
        }
    }

    private static string RowKey(string topic, int partition) =>
        KeyEncoding.Bound(KeyEncoding.Escape(topic) + "|" + partition.ToString(CultureInfo.InvariantCulture));
}
