namespace Telemetry.Domain.Aggregation;

/// <summary>
/// One event worth keeping on its own, beyond the aggregates: a failure, a dead letter, a slow event,
/// a worker crash, a lag status change. Seed 004's queries (failed events, slow events, failed and slow
/// network operations) read these. <see cref="Origin"/> identifies where it came from (for a Kafka record,
/// topic/partition/offset), which makes storing it idempotent; it is never a metric dimension.
/// Attributes hold allow-listed metadata only, never payloads.
/// </summary>
public sealed record NotableEvent(
    NotableEventKind Kind,
    DateTimeOffset Time,
    string EventName,
    string Origin,
    string? Reason,
    double? DurationMs,
    IReadOnlyDictionary<string, string> Attributes);
