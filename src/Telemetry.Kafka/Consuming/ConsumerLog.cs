using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// The consumer's log lines, source-generated so a disabled level costs nothing on the consume thread. They carry
/// topics, partitions, offsets and broker reasons, never record keys or payloads.
/// </summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Consuming {Topics} as group {ConsumerGroup} ({AssignmentStrategy}, {AckStrategy})")]
    public static partial void Consuming(this ILogger logger, string topics, string consumerGroup, string assignmentStrategy, string ackStrategy);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Consume error on {Topic} [{Partition}]: {Reason}")]
    public static partial void ConsumeError(this ILogger logger, string? topic, int? partition, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Could not store offset {Offset} for {Topic} [{Partition}]: {Reason}")]
    public static partial void StoreOffsetFailed(this ILogger logger, long offset, string topic, int partition, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Assigned {Count} partitions ({Partitions}); resuming from committed offsets")]
    public static partial void Assigned(this ILogger logger, int count, string partitions);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Revoking {Count} partitions; finishing in-flight batches for up to {GraceMs} ms")]
    public static partial void Revoking(this ILogger logger, int count, int graceMs);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Lost {Count} partitions; abandoning their in-flight batches without committing")]
    public static partial void Lost(this ILogger logger, int count);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Committing {Count} partitions failed: {Reason}")]
    public static partial void CommitFailed(this ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Could not resume {Count} paused partitions being given up: {Reason}")]
    public static partial void ResumeFailed(this ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Stopping: finishing in-flight batches of {Count} partitions for up to {GraceMs} ms, then committing and leaving the group")]
    public static partial void Stopping(this ILogger logger, int count, int graceMs);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Closing the consumer failed: {Reason}")]
    public static partial void CloseFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Offset commit failed: {Code} {Reason}")]
    public static partial void OffsetCommitFailed(this ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Offset commit for {Topic} [{Partition}] failed: {Reason}")]
    public static partial void PartitionCommitFailed(this ILogger logger, string topic, int partition, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Fatal Kafka consumer error {Code}: {Reason}")]
    public static partial void FatalError(this ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Kafka consumer error {Code}: {Reason}")]
    public static partial void ConsumerError(this ILogger logger, ErrorCode code, string reason);

    /// <summary>librdkafka's own log, at the level its syslog level maps to.</summary>
    [LoggerMessage(EventId = 1014, Message = "librdkafka {Facility}: {Message}")]
    public static partial void Librdkafka(this ILogger logger, LogLevel level, string facility, string message);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Critical, Message = "The Kafka consumer stopped on a fatal error; stopping the host")]
    public static partial void StoppedOnFatalError(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "Abandoning the in-flight batch of {Topic} [{Partition}] after {GraceMs} ms; it will be redelivered")]
    public static partial void AbandoningBatch(this ILogger logger, string topic, int partition, int graceMs);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Error, Message = "Processing a batch of {Topic} [{Partition}] offsets {FirstOffset}..{LastOffset} failed unexpectedly (attempt {Attempt}); retrying")]
    public static partial void BatchFailed(this ILogger logger, Exception exception, string topic, int partition, long firstOffset, long lastOffset, int attempt);
}
