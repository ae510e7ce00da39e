using Microsoft.Extensions.Logging;

namespace Telemetry.Ledger.Rollups;

/// <summary>The ledger rollup's log lines (source-generated): counts and partition keys, never a row's values.</summary>
internal static partial class RollupLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Ledger rollup: {HoursRolled} hours and {DaysRolled} days rolled, {MinuteRowsDeleted} minute rows and {NotableEventsDeleted} notable events past retention deleted, {LateRowsDropped} late rows dropped")]
    public static partial void Rolled(this ILogger logger, int hoursRolled, int daysRolled, int minuteRowsDeleted, int notableEventsDeleted, int lateRowsDropped);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Ledger rollup: {RowCount} minute rows arrived for hour {Hour:O}, which retention had already removed; dropped")]
    public static partial void LateRowsDropped(this ILogger logger, int rowCount, DateTimeOffset hour);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Ledger rollup: minute partition {PartitionKey} changed while being deleted; left for the next run")]
    public static partial void PartitionChanged(this ILogger logger, Exception exception, string partitionKey);
}
