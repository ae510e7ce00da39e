using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>The dead-letter producer's log lines (source-generated); they name the record's place, never its payload.</summary>
internal static partial class DeadLetterLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Dead letter for {Topic} [{Partition}] @{Offset} not confirmed ({Code}); the offset stays uncommitted")]
    public static partial void NotConfirmed(this ILogger logger, string topic, int partition, long offset, ErrorCode code);

    /// <summary>Error for a fatal producer error, warning for one librdkafka recovers from.</summary>
    [LoggerMessage(EventId = 1101, Message = "Dead-letter producer error {Code}: {Reason}")]
    public static partial void ProducerError(this ILogger logger, LogLevel level, ErrorCode code, string reason);
}
