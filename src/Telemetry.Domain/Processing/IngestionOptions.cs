namespace Telemetry.Domain.Processing;

/// <summary>Settings of decoding and aggregation, bound from the <c>Ingestion</c> section.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary><c>aggregate</c> (default) or <c>reject</c>.</summary>
    public UnknownEventPolicy UnknownEvents { get; set; } = UnknownEventPolicy.Aggregate;

    /// <summary>Events with a duration above this become <c>SlowEvent</c> notable events (seed 004's default: 2 s).</summary>
    public int SlowEventThresholdMs { get; set; } = 2_000;

    /// <summary>Network operations with a latency above this become <c>SlowNetworkOperation</c> notable events (seed 004: 1 s).</summary>
    public int SlowNetworkOperationThresholdMs { get; set; } = 1_000;

    /// <summary>An event older than the newest event time seen minus this is late: it still counts in its own minute, and its lateness is recorded.</summary>
    public int AllowedLatenessSeconds { get; set; } = 120;

    /// <summary>Distinct series per metric per minute (per partition) before new ones fold into the <c>otel.metric.overflow=true</c> series.</summary>
    public int MaxSeriesPerMetric { get; set; } = 2_000;

    /// <summary>Largest accepted envelope (Kafka's default message size limit).</summary>
    public int MaxEnvelopeBytes { get; set; } = 1_048_576;

    /// <summary>Distinct unknown event names aggregated per partition; more are refused as <c>UnknownEvent</c>.</summary>
    public int MaxUnknownEvents { get; set; } = 256;

    /// <summary>How far an event time may lie ahead of its Kafka record's timestamp.</summary>
    public int MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>
    /// How far an event time may lie behind its Kafka record's timestamp; older events are refused as <c>too_old</c>.
    /// Every minute still accepted can open its own per-metric series cap, so this bounds how many a producer can open.
    /// </summary>
    public int MaxEventAgeDays { get; set; } = 7;
}
