using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;
using Telemetry.Ledger.Storage;

namespace Telemetry.Pollers.State;

/// <summary>
/// State a poller carries from one run to the next (previous broker counters, previous worker ids and uptimes), one row
/// per (poller, target), the state serialized as JSON. Last writer wins: a run writes only what it just observed, so two
/// overlapping runs converge on the later observation.
/// </summary>
internal sealed class PollerStateStore(LedgerTables tables, string tableName)
{
    private const string StateColumn = "State";

    public async Task<T?> GetAsync<T>(string poller, string target, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var table = await tables.BesideAsync(tableName, cancellationToken).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(KeyEncoding.Key(poller), KeyEncoding.Key(target), [StateColumn], cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value?.GetString(StateColumn) is not { } json)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException)
        {
            // A row written by an older shape is treated as no previous state: the next run starts afresh instead of failing forever.
            return null;
        }
    }

    public async Task SetAsync<T>(string poller, string target, T state, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var table = await tables.BesideAsync(tableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(KeyEncoding.Key(poller), KeyEncoding.Key(target))
        {
            [StateColumn] = JsonSerializer.Serialize(state, typeInfo),
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
