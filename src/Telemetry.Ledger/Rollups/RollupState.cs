using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Rollups;

/// <summary>
/// The rollup's memory, in the State table: where the next scan for changed minute rows starts (a server
/// timestamp), up to which hour rollups are complete (for queries), and which hours retention has sealed.
/// </summary>
internal sealed class RollupState
{
    private const string CheckpointPartition = "rollup";
    private const string CheckpointRow = "checkpoint";
    private const string SealedPartition = "sealed";
    private readonly LedgerTables _tables;

    public RollupState(LedgerTables tables) => _tables = tables;

    public async Task<(DateTimeOffset? ScanFrom, DateTimeOffset? RolledThrough)> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var response = await _tables.State.GetEntityIfExistsAsync<TableEntity>(CheckpointPartition, CheckpointRow, cancellationToken: cancellationToken);
        return response.HasValue
            ? (response.Value!.GetDateTimeOffset("ScanFrom"), response.Value.GetDateTimeOffset("RolledThrough"))
            : (null, null);
    }

    public Task WriteCheckpointAsync(DateTimeOffset? scanFrom, DateTimeOffset rolledThrough, CancellationToken cancellationToken) =>
        _tables.State.UpsertEntityAsync(
            new TableEntity(CheckpointPartition, CheckpointRow) { ["ScanFrom"] = scanFrom, ["RolledThrough"] = rolledThrough },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task<HashSet<DateTimeOffset>> ReadSealedHoursAsync(CancellationToken cancellationToken)
    {
        var result = new HashSet<DateTimeOffset>();
        await foreach (var e in _tables.State.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {SealedPartition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            result.Add(new DateTimeOffset(DateTime.ParseExact(e.RowKey, "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero));
        }

        return result;
    }

    public Task SealAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        _tables.State.UpsertEntityAsync(
            new TableEntity(SealedPartition, hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)),
            TableUpdateMode.Replace,
            cancellationToken);
}
