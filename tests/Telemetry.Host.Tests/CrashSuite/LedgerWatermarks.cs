using Azure.Data.Tables;

namespace Telemetry.Host.Tests.CrashSuite;

/// <summary>
/// The highest watermark (last offset counted) of each source partition in the ledger's minute table, read
/// straight from the rows. Compared with the group's committed offsets after a kill, it shows how much the
/// ledger had already counted that Kafka will deliver again.
/// </summary>
internal static class LedgerWatermarks
{
    // Names of the row properties written by Telemetry.Ledger's MinuteLayout (SourcePartition, Wm).
    private const string PartitionProperty = "SourcePartition";
    private const string WatermarkProperty = "Wm";

    public static async Task<IReadOnlyDictionary<int, long>> ReadAsync(string connectionString, string tablePrefix, string topic)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(tablePrefix + "Minute");
        var highest = new Dictionary<int, long>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"Topic eq {topic}"),
                               select: [PartitionProperty, WatermarkProperty]))
            {
                var partition = row.GetInt32(PartitionProperty) ?? throw new InvalidOperationException($"Minute row {row.PartitionKey}/{row.RowKey} has no {PartitionProperty}.");
                var watermark = row.GetInt64(WatermarkProperty) ?? throw new InvalidOperationException($"Minute row {row.PartitionKey}/{row.RowKey} has no {WatermarkProperty}.");
                highest[partition] = Math.Max(highest.GetValueOrDefault(partition, -1), watermark);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The first host was killed before it created the tables: nothing counted yet.
        }

        return highest;
    }
}
