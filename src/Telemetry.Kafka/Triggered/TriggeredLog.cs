using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.Triggered;

/// <summary>The triggered (Functions) batch's log lines (source-generated): offsets and counts, never a record.</summary>
internal static partial class TriggeredLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Trigger batch of {Topic} [{Partition}] offsets {FirstOffset}..{LastOffset}: offsets through {FinalisedThrough} were finalised by another execution and are skipped")]
    public static partial void AlreadyFinalised(this ILogger logger, string topic, int partition, long firstOffset, long lastOffset, long finalisedThrough);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Trigger batch of {Topic} [{Partition}] offsets {FirstOffset}..{LastOffset} will be redelivered (attempt {Attempt}, {Retries} retries, {FailedDeadLetters} dead letters not written)")]
    public static partial void Redelivering(this ILogger logger, string topic, int partition, long firstOffset, long lastOffset, int attempt, int retries, int failedDeadLetters);
}
