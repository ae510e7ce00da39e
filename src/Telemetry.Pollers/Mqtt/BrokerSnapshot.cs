using System.Globalization;

namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// The numbers a poll reads from a broker's retained <c>$SYS/broker/#</c> topics (mosquitto's names). Topics that are
/// absent or not numeric stay null: brokers differ in what they publish, and a missing figure is not a failure.
/// </summary>
internal sealed record BrokerSnapshot(
    DateTimeOffset ObservedAt,
    int TopicCount,
    double? ClientsConnected,
    double? Subscriptions,
    double? RetainedMessages,
    double? UptimeSeconds,
    double? MessagesReceived,
    double? MessagesSent,
    double? BytesReceived,
    double? BytesSent,
    double? MessagesDropped,
    double? MessagesReceivedPerMinute,
    double? MessagesSentPerMinute,
    double? BytesReceivedPerMinute,
    double? BytesSentPerMinute)
{
    public static BrokerSnapshot From(IReadOnlyDictionary<string, string> topics, DateTimeOffset observedAt)
    {
        double? Read(params string[] names)
        {
            foreach (var name in names)
            {
                if (topics.TryGetValue("$SYS/broker/" + name, out var text) && TryParseLeadingNumber(text, out var value))
                {
                    return value;
                }
            }

            return null;
        }

        return new BrokerSnapshot(
            observedAt,
            topics.Count,
            Read("clients/connected", "clients/active"),
            Read("subscriptions/count"),
            // The one $SYS topic with a space in its name.
            Read("retained messages/count"),
            Read("uptime"),
            Read("messages/received"),
            Read("messages/sent"),
            Read("bytes/received"),
            Read("bytes/sent"),
            // Publishes the broker could not deliver (queue full, client gone): its side of "send failures".
            Read("publish/messages/dropped"),
            Read("load/messages/received/1min"),
            Read("load/messages/sent/1min"),
            Read("load/bytes/received/1min"),
            Read("load/bytes/sent/1min"));
    }

    /// <summary>Mosquitto writes some values with a unit (<c>"42 seconds"</c>); the number is what counts.</summary>
    internal static bool TryParseLeadingNumber(string text, out double value)
    {
        var span = text.AsSpan().Trim();
        var end = span.IndexOf(' ');
        if (end >= 0)
        {
            span = span[..end];
        }

        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
