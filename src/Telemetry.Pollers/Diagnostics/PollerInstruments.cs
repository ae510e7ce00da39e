using System.Diagnostics.Metrics;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// The pollers' instruments on the shared <c>Telemetry.Functions</c> meter (<see cref="OwnTelemetry.Meter"/>):
/// seed 001's <c>kafka.eventbus.consumer.lag</c> is OwnTelemetry's gauge, fed through
/// <see cref="OwnTelemetry.RegisterConsumerLag"/>; the gauges OwnTelemetry does not have (lag in seconds, lag_sum,
/// lag status, MQTT broker and worker-pool gauges) and the MQTT reconnection counter are created here, on the same
/// meter, all reading <see cref="GaugeReadings"/> at collection time.
/// </summary>
internal sealed class PollerInstruments : IDisposable
{
    private readonly Counter<long> _mqttReconnections;
    private readonly IDisposable _lagRegistration;

    public PollerInstruments(OwnTelemetry telemetry, GaugeReadings readings)
    {
        Readings = readings;
        var meter = telemetry.Meter;
        _lagRegistration = telemetry.RegisterConsumerLag(() => readings.Observe(PollerMetricNames.ConsumerLag).Select(ToLagObservation));

        void Gauge(string name, string unit, string description) =>
            meter.CreateObservableGauge(name, () => readings.Observe(name), unit, description);

        Gauge(PollerMetricNames.ConsumerLagSeconds, "s", "Consumer lag in time per partition, interpolated from (latest offset, time) samples.");
        Gauge(PollerMetricNames.ConsumerLagSum, "{message}", "Message lag summed over a topic's partitions (lag_sum).");
        Gauge(PollerMetricNames.ConsumerLagStatus, "{status}", "Burrow status per partition, and per group without a partition: 1 OK, 2 WARN, 3 ERR, 4 STOP, 5 STALL, 6 REWIND.");
        Gauge(PollerMetricNames.MqttConnectionsActive, "{connection}", "MQTT broker reachable by the poller (1) or not (0).");
        Gauge(PollerMetricNames.MqttClientsConnected, "{client}", "Clients connected to the broker ($SYS/broker/clients/connected).");
        Gauge(PollerMetricNames.MqttSubscriptions, "{subscription}", "Subscriptions on the broker ($SYS/broker/subscriptions/count).");
        Gauge(PollerMetricNames.MqttRetainedMessages, "{message}", "Retained messages on the broker.");
        Gauge(PollerMetricNames.MqttUptime, "s", "Broker uptime ($SYS/broker/uptime).");
        Gauge(PollerMetricNames.MqttMessagesReceivedRate, "{message}/s", "Messages received by the broker per second.");
        Gauge(PollerMetricNames.MqttMessagesSentRate, "{message}/s", "Messages sent by the broker per second.");
        Gauge(PollerMetricNames.MqttBytesReceivedRate, "By/s", "Bytes received by the broker per second.");
        Gauge(PollerMetricNames.MqttBytesSentRate, "By/s", "Bytes sent by the broker per second.");
        Gauge(PollerMetricNames.MqttMessagesDroppedRate, "{message}/s", "Publishes the broker dropped per second ($SYS/broker/publish/messages/dropped).");
        Gauge(PollerMetricNames.WorkerPoolUp, "{endpoint}", "Worker-pool health endpoint answered with a valid document (1) or not (0).");
        Gauge(PollerMetricNames.WorkerPoolWorkers, "{worker}", "Workers reported by the pool.");
        Gauge(PollerMetricNames.WorkerPoolBusyWorkers, "{worker}", "Workers of the pool busy with a request.");
        Gauge(PollerMetricNames.WorkerPoolQueueSize, "{request}", "Requests waiting in the pool's queue.");
        Gauge(PollerMetricNames.WorkerPoolQueueCapacity, "{request}", "Capacity of the pool's queue.");

        _mqttReconnections = meter.CreateCounter<long>(PollerMetricNames.MqttReconnections, "{reconnection}", "Connection attempts to a broker that was down at the previous poll.");
    }

    public GaugeReadings Readings { get; }

    public void MqttReconnectionAttempted(string broker) =>
        _mqttReconnections.Add(1, new KeyValuePair<string, object?>(PollerMetricNames.BrokerAttribute, broker));

    public void Dispose() => _lagRegistration.Dispose();

    // The lag readings are written with seed 001's tags in seed 001's order: partition, group, destination.
    private static ConsumerLagObservation ToLagObservation(Measurement<double> m)
    {
        var tags = m.Tags;
        return new ConsumerLagObservation((string)tags[2].Value!, (int)tags[0].Value!, (string)tags[1].Value!, (long)m.Value);
    }
}
