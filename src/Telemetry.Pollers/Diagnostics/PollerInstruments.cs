using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// The pollers' instruments on the shared <c>Telemetry.Functions</c> meter (<see cref="OwnTelemetry.Meter"/>), created
/// from <see cref="OwnMetricCatalog"/>'s poller entries (name, unit and description come from there only): seed 001's
/// <c>kafka.eventbus.consumer.lag</c> is OwnTelemetry's gauge, fed through <see cref="OwnTelemetry.RegisterConsumerLag"/>;
/// the other gauges read <see cref="GaugeReadings"/> at collection time. The lag poller also reports whether it reached
/// each group's cluster, which is <c>kafka.eventbus.connections.active</c> where no consumer of ours runs (the Functions
/// app, whose consumer is the extension's).
/// </summary>
internal sealed class PollerInstruments : IDisposable
{
    private readonly OwnTelemetry _telemetry;
    private readonly Counter<long> _mqttReconnections;
    private readonly IDisposable _lagRegistration;
    private readonly IDisposable _connectionRegistration;
    private readonly ConcurrentDictionary<string, bool> _groupsReached = new(StringComparer.Ordinal);

    public PollerInstruments(OwnTelemetry telemetry, GaugeReadings readings)
    {
        _telemetry = telemetry;
        Readings = readings;
        var meter = telemetry.Meter;
        _lagRegistration = telemetry.RegisterConsumerLag(() => readings.Observe(PollerMetricNames.ConsumerLag).Select(ToLagObservation));
        _connectionRegistration = telemetry.RegisterConnectionState(
            () => _groupsReached.Select(g => new ConnectionStateObservation(g.Key, g.Value, ConnectionObserver.Poller)));

        foreach (var metric in OwnMetricCatalog.All.Where(m => m.Component == OwnMetricComponent.Pollers && m.Kind == OwnInstrumentKind.ObservableGauge))
        {
            var name = metric.Name;
            meter.CreateObservableGauge(name, () => readings.Observe(name), metric.Unit, metric.Description);
        }

        var reconnections = OwnMetricCatalog.Get(PollerMetricNames.MqttReconnections);
        _mqttReconnections = meter.CreateCounter<long>(reconnections.Name, reconnections.Unit, reconnections.Description);
    }

    public GaugeReadings Readings { get; }

    public void MqttReconnectionAttempted(string broker) =>
        _mqttReconnections.Add(1, new KeyValuePair<string, object?>(PollerMetricNames.BrokerAttribute, broker));

    /// <summary>The lag poller read the group's offsets: connected, and a reconnection if the previous poll could not.</summary>
    public void KafkaReached(string consumerGroup)
    {
        if (_groupsReached.TryGetValue(consumerGroup, out var before) && !before)
        {
            _telemetry.Reconnecting();
        }

        _groupsReached[consumerGroup] = true;
    }

    /// <summary>The lag poller could not read the group's offsets from Kafka (<paramref name="errorType"/>: the Kafka error code, or <c>timeout</c>).</summary>
    public void KafkaUnreachable(string consumerGroup, string errorType)
    {
        _telemetry.ConnectionFailed(errorType);
        _groupsReached[consumerGroup] = false;
    }

    public void Dispose()
    {
        _lagRegistration.Dispose();
        _connectionRegistration.Dispose();
    }

    // The lag readings are written with seed 001's tags in seed 001's order: partition, group, destination.
    private static ConsumerLagObservation ToLagObservation(Measurement<double> m)
    {
        var tags = m.Tags;
        return new ConsumerLagObservation((string)tags[2].Value!, (int)tags[0].Value!, (string)tags[1].Value!, (long)m.Value);
    }
}
