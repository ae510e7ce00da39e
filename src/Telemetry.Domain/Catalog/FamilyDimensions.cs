using System.Collections.Frozen;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Catalog;

/// <summary>
/// The per-family dimension allow-lists: the only metadata that may become a series dimension. Everything
/// here has a small, code- or config-defined set of values. Per-event identifiers (offsets, pids, worker,
/// client, request and trace ids) and payloads (EMQTT <c>data</c>, Snakepit <c>shape</c>) are never listed.
/// </summary>
public static class FamilyDimensions
{
    private static readonly FrozenDictionary<TelemetryFamily, FrozenDictionary<string, string>> AllowLists =
        new Dictionary<TelemetryFamily, FrozenDictionary<string, string>>
        {
            [TelemetryFamily.Kafee] = Same("topic", "partition", "consumer_group", "consumer", "module", "ack_strategy", "async", "dlq_topic"),
            [TelemetryFamily.KafkaEventBus] = Same(
                "messaging.system", "messaging.destination", "messaging.kafka.partition", "messaging.kafka.consumer_group",
                "event.type", "handler.name", "error.type", "dlq.reason"),
            [TelemetryFamily.Emqtt] = Same("socket_type", "connection_module", "protocol_version", "reason"),
            [TelemetryFamily.Snakepit] = Same("pool", "reason", "profile", "device", "kind", "dtype", "python_type", "library", "command", "success"),
            // The pipeline's event name is its event class, a code-defined set; it is exported as event_type.
            // host names the remote executor (a configured set); port adds nothing but series, so it stays an attribute.
            [TelemetryFamily.EventPipeline] = new Dictionary<string, string>
            {
                ["event_name"] = "event_type",
                ["status"] = "status",
                ["operation"] = "operation",
                ["host"] = "host",
            }.ToFrozenDictionary(StringComparer.Ordinal),
            [TelemetryFamily.Unknown] = Same(),
        }.ToFrozenDictionary();

    /// <summary>Input metadata key → output dimension key, for one family.</summary>
    public static IReadOnlyDictionary<string, string> For(TelemetryFamily family) => AllowLists[family];

    /// <summary>The family an event name belongs to, from its prefix.</summary>
    public static TelemetryFamily FamilyOf(ReadOnlySpan<char> eventName) =>
        eventName.StartsWith("kafee.") ? TelemetryFamily.Kafee
        : eventName.StartsWith("kafka.eventbus.") ? TelemetryFamily.KafkaEventBus
        : eventName.StartsWith("emqtt.") ? TelemetryFamily.Emqtt
        : eventName.StartsWith("snakepit.") ? TelemetryFamily.Snakepit
        : eventName.StartsWith("event_pipeline.") ? TelemetryFamily.EventPipeline
        : TelemetryFamily.Unknown;

    /// <summary>
    /// The family's documented <c>time_unit</c> default (docs/envelope.md): milliseconds for the event bus, seconds for
    /// the Event Pipeline (Python's perf_counter), native for the BEAM families and for unknown prefixes. Catalog events
    /// carry their own; events made up for unknown names take this one.
    /// </summary>
    public static EnvelopeTimeUnit DefaultTimeUnit(TelemetryFamily family) => family switch
    {
        TelemetryFamily.KafkaEventBus => EnvelopeTimeUnit.Millisecond,
        TelemetryFamily.EventPipeline => EnvelopeTimeUnit.Second,
        _ => EnvelopeTimeUnit.Native,
    };

    private static FrozenDictionary<string, string> Same(params string[] keys) =>
        keys.ToFrozenDictionary(k => k, k => k, StringComparer.Ordinal);
}
