using System.Text.Json;
using Azure.Data.Tables;
using Telemetry.Ledger.Storage;

namespace Telemetry.Pollers.Lag;

/// <summary>
/// What the lag poller carries from one run to the next (table <c>Pollers:LagTableName</c>): one partition per consumer
/// group; one row per topic partition (the compacted (latest offset, time) table for time lag, Burrow's window, lag,
/// time lag, status) and one group row (the group's status). The raw observations are not kept here: they are lag
/// samples, and the ledger's <see cref="Telemetry.Ledger.LagSamples.ILagSampleStore"/> is the one store of those.
/// </summary>
internal sealed class LagStateStore(LedgerTables tables, string tableName)
{
    public const string GroupRowKey = "~group";

    public async Task<(IReadOnlyDictionary<(string Topic, int Partition), PartitionLagState> Partitions, LagStatus? GroupStatus)> LoadAsync(string group, CancellationToken cancellationToken)
    {
        var table = await tables.BesideAsync(tableName, cancellationToken).ConfigureAwait(false);
        var partitions = new Dictionary<(string, int), PartitionLagState>();
        LagStatus? groupStatus = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {KeyEncoding.Key(group)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var status = Enum.TryParse<LagStatus>(row.GetString("Status"), ignoreCase: true, out var s) ? s : LagStatus.Ok;
            if (row.RowKey == GroupRowKey)
            {
                groupStatus = status;
                continue;
            }

            try
            {
                var state = new PartitionLagState(
                    row.GetString("Topic"),
                    row.GetInt32("Partition") ?? 0,
                    JsonSerializer.Deserialize(row.GetString("Samples") ?? "[]", LagJsonContext.Default.IReadOnlyListOffsetTimePoint) ?? [],
                    JsonSerializer.Deserialize(row.GetString("Window") ?? "[]", LagJsonContext.Default.IReadOnlyListOffsetObservation) ?? [],
                    row.GetInt64("Lag") ?? 0,
                    row.GetDouble("LagSeconds"),
                    status);
                partitions[(state.Topic, state.Partition)] = state;
            }
            catch (JsonException)
            {
                // An unreadable row restarts that partition's history instead of blocking the group.
            }
        }

        return (partitions, groupStatus);
    }

    public async Task SaveAsync(string group, IReadOnlyCollection<PartitionLagState> partitions, LagStatus groupStatus, DateTimeOffset observedAt, CancellationToken cancellationToken)
    {
        var table = await tables.BesideAsync(tableName, cancellationToken).ConfigureAwait(false);
        var pk = KeyEncoding.Key(group);
        var actions = new List<TableTransactionAction>(partitions.Count + 1)
        {
            new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, GroupRowKey)
            {
                ["Status"] = groupStatus.ToString(),
                ["ObservedAt"] = observedAt,
                ["Lag"] = partitions.Sum(p => p.Lag),
            }),
        };
        foreach (var p in partitions)
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, KeyEncoding.Key($"{p.Topic}/{p.Partition}"))
            {
                ["Topic"] = p.Topic,
                ["Partition"] = p.Partition,
                ["Lag"] = p.Lag,
                ["LagSeconds"] = p.LagSeconds,
                ["Status"] = p.Status.ToString(),
                ["ObservedAt"] = observedAt,
                ["Samples"] = JsonSerializer.Serialize(p.Samples, LagJsonContext.Default.IReadOnlyListOffsetTimePoint),
                ["Window"] = JsonSerializer.Serialize(p.Window, LagJsonContext.Default.IReadOnlyListOffsetObservation),
            }));
        }

        // A table transaction holds at most 100 actions, all in one partition key (one group).
        foreach (var chunk in actions.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }
}
