namespace Telemetry.Kafka.Replay;

/// <summary>One dead letter replay looked at, and what it did with it.</summary>
public sealed record ReplayItem(
    int DeadLetterPartition,
    long DeadLetterOffset,
    string OriginalTopic,
    int? OriginalPartition,
    long? OriginalOffset,
    string ErrorKind,
    DateTimeOffset? FailedAt,
    string TargetTopic,
    ReplayDisposition Disposition);
