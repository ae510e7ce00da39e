using System.Diagnostics.Metrics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// The pollers' instruments on the shared <c>Telemetry.Functions</c> meter: observable gauges that read
/// <see cref="GaugeReadings"/> at collection time, and the MQTT reconnection counter.
/// </summary>
internal sealed class PollerInstruments
{
    public const string MeterName = "Telemetry.Functions";

    private readonly Counter<long> _mqttReconnections;

    public PollerInstruments(IMeterFactory meterFactory, GaugeReadings readings)
    {
        Readings = readings;
        var meter = meterFactory.Create(MeterName);

        void Gauge(string name, string unit, string description) =>
            meter.CreateObservableGauge(name, () => readings.Observe(name), unit, description);

        Gauge(PollerMetricNames.ConsumerLag, "{message}", "Messages behind (lag) per partition: high watermark minus committed offset.");
        Gauge(PollerMetricNames.ConsumerLagSeconds, "s", "Consumer lag in time per partition, interpolated from (latest offset, time) samples.");
        Gauge(PollerMetricNames.ConsumerLagSum, "{message}", "Message lag summed over a topic's partitions (lag_sum).");
        Gauge(PollerMetricNames.ConsumerLagStatus, "{status}", "Burrow status per partition and group: 1 for the current status, one series per status.");
        Gauge(PollerMetricNames.MqttConnectionsActive, "{connection}", "MQTT broker reachable by the poller (1) or not (0).");
        Gauge(PollerMetricNames.MqttClientsConnected, "{client}", "Clients connected to the broker ($SYS/broker/clients/connected).");
        Gauge(PollerMetricNames.MqttSubscriptions, "{subscription}", "Subscriptions on the broker ($SYS/broker/subscriptions/count).");
        Gauge(PollerMetricNames.MqttRetainedMessages, "{message}", "Retained messages on the broker.");
        Gauge(PollerMetricNames.MqttUptime, "s", "Broker uptime ($SYS/broker/uptime).");
        Gauge(PollerMetricNames.MqttMessagesReceivedRate, "{message}/s", "Messages received by the broker per second.");
        Gauge(PollerMetricNames.MqttMessagesSentRate, "{message}/s", "Messages sent by the broker per second.");
        Gauge(PollerMetricNames.MqttBytesReceivedRate, "By/s", "Bytes received by the broker per second.");
        Gauge(PollerMetricNames.MqttBytesSentRate, "By/s", "Bytes sent by the broker per second.");
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
}
