using Microsoft.Extensions.Logging;

namespace Telemetry.Ledger.Aggregates;

/// <summary>The ledger sink's log lines (source-generated): topics, partitions and row keys, never an aggregate.</summary>
internal static partial class TableSinkLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Ledger write conflict on {Topic}[{Partition}] partition {PartitionKey}, attempt {Attempt}; re-reading")]
    public static partial void WriteConflict(this ILogger logger, Exception exception, string topic, int partition, string partitionKey, int attempt);
}
