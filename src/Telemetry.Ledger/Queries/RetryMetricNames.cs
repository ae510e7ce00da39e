namespace Telemetry.Ledger.Queries;

/// <summary>The metrics retry statistics read (names follow the shared naming rule: event name dotted, then measurement).</summary>
public sealed record RetryMetricNames
{
    public string EventRetries { get; init; } = "event_pipeline.event.execution.retries";

    public string MessageRetryCount { get; init; } = "kafee.batch.message_retry.count";

    public string DeadLetterCount { get; init; } = "kafee.batch.dlq_sent.count";
}
