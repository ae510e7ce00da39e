using Microsoft.Extensions.Logging;

namespace Telemetry.Export.Aggregates;

/// <summary>The Azure Monitor aggregate export's log lines (source-generated): topic and partition, never an aggregate.</summary>
internal static partial class AggregateExportLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Azure Monitor aggregate export skipped a batch of {Topic}/{Partition}; processing continues. Further failures are not logged.")]
    public static partial void BatchSkipped(this ILogger logger, Exception exception, string topic, int partition);
}
