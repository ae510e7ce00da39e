using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers.Lag;

/// <summary>The consumer-lag poller's log lines (source-generated): group, counts and status.</summary>
internal static partial class LagLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "Lag poll of group {ConsumerGroup}: {PartitionCount} partitions, status {Status}")]
    public static partial void Polled(this ILogger logger, string consumerGroup, int partitionCount, string status);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Lag poll of group {ConsumerGroup} failed")]
    public static partial void PollFailed(this ILogger logger, Exception exception, string consumerGroup);
}
