using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.Pipeline;

/// <summary>The standalone pipeline's log lines (source-generated): topics, partitions and offsets, never a record.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "A sink could not take {Topic} [{Partition}] offsets {AfterOffset}..{ThroughOffset} (attempt {Attempt}); retrying in {DelayMs} ms without committing")]
    public static partial void SinkRetrying(this ILogger logger, Exception exception, string topic, int partition, long afterOffset, long throughOffset, int attempt, int delayMs);
}
