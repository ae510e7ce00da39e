using System.Text.Json;
using Confluent.Kafka;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// Seed 001's connection metrics of our own consumer, from what librdkafka tells it: <c>connections.active</c> is 1 once
/// the group coordinator assigned partitions or a statistics report shows a broker <c>UP</c>, and 0 before that, after
/// <c>Local_AllBrokersDown</c>, or when a report shows no broker up; every error callback and consume error is a
/// <c>connection.errors</c> of its error code; <c>reconnections</c> are the brokers' connection attempts after their
/// first (the statistics' per-broker <c>connects</c>). Callbacks run on the consume thread; the gauge reads the flag
/// from the exporter's thread.
/// </summary>
internal sealed class ConsumerConnectionState : IDisposable
{
    /// <summary>How often librdkafka reports statistics when the configuration does not say (each report is one JSON parse).</summary>
    public const int DefaultStatisticsIntervalMs = 5_000;

    private readonly OwnTelemetry _telemetry;
    private readonly string _consumerGroup;
    private readonly IDisposable _registration;
    private readonly Dictionary<string, long> _connects = new(StringComparer.Ordinal);
    private volatile bool _connected;

    public ConsumerConnectionState(OwnTelemetry telemetry, string consumerGroup)
    {
        _telemetry = telemetry;
        _consumerGroup = consumerGroup;
        _registration = telemetry.RegisterConnectionState(() => [new ConnectionStateObservation(_consumerGroup, _connected)]);
    }

    public bool Connected => _connected;

    /// <summary>The coordinator answered: the member is connected, and a rebalance completed.</summary>
    public void Assigned()
    {
        _connected = true;
        _telemetry.Rebalanced(_consumerGroup);
    }

    public void Error(Error error)
    {
        _telemetry.ConnectionFailed(error.Code.ToString());
        if (error.Code == ErrorCode.Local_AllBrokersDown || error.IsFatal)
        {
            _connected = false;
        }
    }

    /// <summary>Reads the <c>brokers</c> object of a librdkafka statistics report.</summary>
    public void Statistics(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("brokers", out var brokers) || brokers.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var anyUp = false;
        long reconnections = 0;
        foreach (var broker in brokers.EnumerateObject())
        {
            if (broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP"))
            {
                anyUp = true;
            }

            if (broker.Value.TryGetProperty("connects", out var attempts) && attempts.TryGetInt64(out var now))
            {
                // The first attempt to a broker is a connection, every later one a reconnection.
                var before = _connects.TryGetValue(broker.Name, out var seen) ? Math.Max(seen, 1) : 1;
                reconnections += Math.Max(0, now - before);
                _connects[broker.Name] = Math.Max(now, seen);
            }
        }

        _connected = anyUp;
        if (reconnections > 0)
        {
            _telemetry.Reconnecting(reconnections);
        }
    }

    public void Dispose() => _registration.Dispose();
}
