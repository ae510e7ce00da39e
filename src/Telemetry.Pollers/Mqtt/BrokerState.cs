using System.Text.Json.Serialization;

namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// What the last run saw of one broker, kept in the ledger's state table: its health, the counters rates are computed
/// from, and the latest gauges, so the ledger holds each broker's latest reading and not only Azure Monitor. The gauges
/// are null while the broker is down: an old figure beside <c>Healthy = false</c> would read as current.
/// </summary>
internal sealed record BrokerState(
    bool Healthy,
    DateTimeOffset ObservedAt,
    double? UptimeSeconds,
    double? MessagesReceived,
    double? MessagesSent,
    double? BytesReceived,
    double? BytesSent,
    long Reconnections,
    double? MessagesDropped = null,
    double? ClientsConnected = null,
    double? Subscriptions = null,
    double? RetainedMessages = null);

[JsonSerializable(typeof(BrokerState))]
internal sealed partial class BrokerStateJsonContext : JsonSerializerContext;
