using System.Text.Json.Serialization;

namespace Telemetry.Pollers.Mqtt;

/// <summary>What the previous run saw of one broker: its health and the counters rates are computed from.</summary>
internal sealed record BrokerState(
    bool Healthy,
    DateTimeOffset ObservedAt,
    double? UptimeSeconds,
    double? MessagesReceived,
    double? MessagesSent,
    double? BytesReceived,
    double? BytesSent,
    long Reconnections,
    double? MessagesDropped = null);

[JsonSerializable(typeof(BrokerState))]
internal sealed partial class BrokerStateJsonContext : JsonSerializerContext;
