using K = Telemetry.Domain.Diagnostics.OwnAttributeKeys;

namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// Every metric the product emits about itself, on the one <see cref="MeterName"/> meter: seed 001's
/// <c>kafka.eventbus.*</c> metrics with their exact names, descriptions and attribute keys, and Kafee's batch
/// lifecycle counters <c>kafee.batch.*</c>, created by <see cref="OwnTelemetry"/>; and the pollers' gauges
/// (lag in time, lag sum and status, MQTT brokers, worker pools), created by <c>Telemetry.Pollers</c> on the same
/// meter (<see cref="OwnMetric.Component"/>). The workbook, alert and exporter tests check themselves against it.
/// </summary>
/// <remarks>
/// Seed 001 gives units as words (messages, invocations, errors, ...); these are their UCUM forms
/// (<c>{message}</c>, <c>{invocation}</c>, <c>{error}</c>, ...), which is what OpenTelemetry expects.
/// </remarks>
public static class OwnMetricCatalog
{
    /// <summary>The name of our one Meter and one ActivitySource; exporters subscribe to it.</summary>
    public const string MeterName = "Telemetry.Functions";

    public const string ActivitySourceName = MeterName;

    public const string MessagesPublished = "kafka.eventbus.messages.published";
    public const string MessagesConsumed = "kafka.eventbus.messages.consumed";
    public const string HandlerInvocations = "kafka.eventbus.handler.invocations";
    public const string HandlerErrors = "kafka.eventbus.handler.errors";
    public const string MessagesDlq = "kafka.eventbus.messages.dlq";
    public const string ConnectionErrors = "kafka.eventbus.connection.errors";
    public const string Reconnections = "kafka.eventbus.reconnections";
    public const string Rebalances = "kafka.eventbus.rebalances";
    public const string PublishErrors = "kafka.eventbus.publish.errors";
    public const string PublishDuration = "kafka.eventbus.publish.duration";
    public const string ConsumeDuration = "kafka.eventbus.consume.duration";
    public const string HandlerDuration = "kafka.eventbus.handler.duration";
    public const string BatchSize = "kafka.eventbus.batch.size";
    public const string ConnectionsActive = "kafka.eventbus.connections.active";
    public const string ConsumerLag = "kafka.eventbus.consumer.lag";

    public const string KafeeBatchStarted = "kafee.batch.started";
    public const string KafeeBatchProcessStart = "kafee.batch.process_start";
    public const string KafeeBatchProcessEnd = "kafee.batch.process_end";
    public const string KafeeBatchProcessError = "kafee.batch.process_error";
    public const string KafeeBatchMessageRetry = "kafee.batch.message_retry";
    public const string KafeeBatchDlqSent = "kafee.batch.dlq_sent";
    public const string KafeeBatchDlqError = "kafee.batch.dlq_error";

    // The pollers' gauges beyond seed 001 (their instruments live in Telemetry.Pollers, on the same meter).
    public const string ConsumerLagSeconds = "kafka.eventbus.consumer.lag.seconds";
    public const string ConsumerLagSum = "kafka.eventbus.consumer.lag.sum";
    public const string ConsumerLagStatus = "kafka.eventbus.consumer.lag.status";
    public const string MqttConnectionsActive = "mqtt.broker.connections.active";
    public const string MqttReconnections = "mqtt.broker.reconnections";
    public const string MqttClientsConnected = "mqtt.broker.clients.connected";
    public const string MqttSubscriptions = "mqtt.broker.subscriptions";
    public const string MqttRetainedMessages = "mqtt.broker.retained_messages";
    public const string MqttUptime = "mqtt.broker.uptime";
    public const string MqttMessagesReceivedRate = "mqtt.broker.messages.received.rate";
    public const string MqttMessagesSentRate = "mqtt.broker.messages.sent.rate";
    public const string MqttBytesReceivedRate = "mqtt.broker.bytes.received.rate";
    public const string MqttBytesSentRate = "mqtt.broker.bytes.sent.rate";
    public const string MqttMessagesDroppedRate = "mqtt.broker.messages.dropped.rate";
    public const string WorkerPoolUp = "snakepit.pool.endpoint.up";
    public const string WorkerPoolWorkers = "snakepit.pool.workers";
    public const string WorkerPoolBusyWorkers = "snakepit.pool.workers.busy";
    public const string WorkerPoolQueueSize = "snakepit.pool.queue_size";
    public const string WorkerPoolQueueCapacity = "snakepit.pool.queue_capacity";

    /// <summary>The attribute naming an MQTT broker (its configured name).</summary>
    public const string MqttBrokerKey = "mqtt.broker";

    /// <summary>The attribute naming a worker pool.</summary>
    public const string WorkerPoolKey = "snakepit.pool";

    private static readonly string[] KafeeKeys = [K.MessagingDestination, K.KafkaPartition, K.KafkaConsumerGroup, K.AckStrategy];
    private static readonly string[] KafeeErrorKeys = [K.MessagingDestination, K.KafkaPartition, K.KafkaConsumerGroup, K.AckStrategy, K.ErrorType];

    public static IReadOnlyList<OwnMetric> All { get; } =
    [
        Counter(MessagesPublished, "{message}", "Total messages successfully published to Kafka", K.MessagingSystem, K.MessagingDestination, K.EventType),
        Counter(MessagesConsumed, "{message}", "Total messages consumed from Kafka", K.MessagingSystem, K.MessagingDestination, K.KafkaPartition, K.EventType),
        Counter(HandlerInvocations, "{invocation}", "Total handler invocations (successful)", K.HandlerName, K.EventType),
        Counter(HandlerErrors, "{error}", "Total handler errors/exceptions", K.HandlerName, K.EventType, K.ErrorType),
        Counter(MessagesDlq, "{message}", "Messages sent to dead letter queue", K.DlqReason, K.ErrorType),
        Counter(ConnectionErrors, "{error}", "Connection errors (connect/consume failures)", K.ErrorType),
        Counter(Reconnections, "{reconnection}", "Reconnection attempts"),
        Counter(Rebalances, "{rebalance}", "Consumer group rebalances", K.KafkaConsumerGroup),
        Counter(PublishErrors, "{error}", "Publish failures", K.MessagingSystem, K.MessagingDestination, K.EventType, K.ErrorType),
        Histogram(PublishDuration, "ms", "Time to publish a batch of messages", K.MessagingDestination),
        Histogram(ConsumeDuration, "ms", "Time to process a consumed message", K.MessagingDestination),
        Histogram(HandlerDuration, "ms", "Individual handler execution time", K.HandlerName, K.EventType),
        Histogram(BatchSize, "{message}", "Number of messages per publish batch"),
        Gauge(ConnectionsActive, "{connection}", "Connection status (1=connected, 0=disconnected)", K.KafkaConsumerGroup),
        Gauge(ConsumerLag, "{message}", "Messages behind (lag) per partition", K.KafkaPartition, K.KafkaConsumerGroup, K.MessagingDestination),

        new(KafeeBatchStarted, "{batch}", OwnInstrumentKind.Counter, KafeeKeys, "Batches whose accumulation started (Kafee [:kafee, :batch, :started])"),
        new(KafeeBatchProcessStart, "{batch}", OwnInstrumentKind.Counter, KafeeKeys, "Batches whose processing began (Kafee [:kafee, :batch, :process_start])"),
        new(KafeeBatchProcessEnd, "{batch}", OwnInstrumentKind.Counter, KafeeKeys, "Batches whose processing completed (Kafee [:kafee, :batch, :process_end])"),
        new(KafeeBatchProcessError, "{batch}", OwnInstrumentKind.Counter, KafeeErrorKeys, "Batches whose processing failed with an error (Kafee [:kafee, :batch, :process_error])"),
        new(KafeeBatchMessageRetry, "{message}", OwnInstrumentKind.Counter, KafeeKeys, "Message failures that triggered a retry (Kafee [:kafee, :batch, :message_retry])"),
        new(KafeeBatchDlqSent, "{message}", OwnInstrumentKind.Counter, KafeeKeys, "Messages delivered to the dead letter topic (Kafee [:kafee, :batch, :dlq_sent])"),
        new(KafeeBatchDlqError, "{message}", OwnInstrumentKind.Counter, KafeeErrorKeys, "Dead letter writes that failed (Kafee [:kafee, :batch, :dlq_error])"),

        Poller(ConsumerLagSeconds, "s", "Consumer lag in time per partition, interpolated from (latest offset, time) samples.", K.KafkaPartition, K.KafkaConsumerGroup, K.MessagingDestination),
        Poller(ConsumerLagSum, "{message}", "Message lag summed over a topic's partitions (lag_sum).", K.KafkaConsumerGroup, K.MessagingDestination),
        Poller(ConsumerLagStatus, "{status}", "Burrow status per partition, and per group without a partition: 1 OK, 2 WARN, 3 ERR, 4 STOP, 5 STALL, 6 REWIND.", K.KafkaPartition, K.KafkaConsumerGroup, K.MessagingDestination),
        Poller(MqttConnectionsActive, "{connection}", "MQTT broker reachable by the poller (1) or not (0).", MqttBrokerKey),
        new(MqttReconnections, "{reconnection}", OwnInstrumentKind.Counter, [MqttBrokerKey], "Connection attempts to a broker that was down at the previous poll.", OwnMetricComponent.Pollers),
        Poller(MqttClientsConnected, "{client}", "Clients connected to the broker ($SYS/broker/clients/connected).", MqttBrokerKey),
        Poller(MqttSubscriptions, "{subscription}", "Subscriptions on the broker ($SYS/broker/subscriptions/count).", MqttBrokerKey),
        Poller(MqttRetainedMessages, "{message}", "Retained messages on the broker.", MqttBrokerKey),
        Poller(MqttUptime, "s", "Broker uptime ($SYS/broker/uptime).", MqttBrokerKey),
        Poller(MqttMessagesReceivedRate, "{message}/s", "Messages received by the broker per second.", MqttBrokerKey),
        Poller(MqttMessagesSentRate, "{message}/s", "Messages sent by the broker per second.", MqttBrokerKey),
        Poller(MqttBytesReceivedRate, "By/s", "Bytes received by the broker per second.", MqttBrokerKey),
        Poller(MqttBytesSentRate, "By/s", "Bytes sent by the broker per second.", MqttBrokerKey),
        Poller(MqttMessagesDroppedRate, "{message}/s", "Publishes the broker dropped per second ($SYS/broker/publish/messages/dropped).", MqttBrokerKey),
        Poller(WorkerPoolUp, "{endpoint}", "Worker-pool health endpoint answered with a valid document (1) or not (0).", WorkerPoolKey),
        Poller(WorkerPoolWorkers, "{worker}", "Workers reported by the pool.", WorkerPoolKey),
        Poller(WorkerPoolBusyWorkers, "{worker}", "Workers of the pool busy with a request.", WorkerPoolKey),
        Poller(WorkerPoolQueueSize, "{request}", "Requests waiting in the pool's queue.", WorkerPoolKey),
        Poller(WorkerPoolQueueCapacity, "{request}", "Capacity of the pool's queue.", WorkerPoolKey),
    ];

    /// <summary>The metric named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> for a name that is not ours.</summary>
    public static OwnMetric Get(string name) =>
        TryGet(name, out var metric) ? metric : throw new KeyNotFoundException($"'{name}' is not one of our own metrics.");

    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OwnMetric? metric)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.Ordinal))
            {
                metric = candidate;
                return true;
            }
        }

        metric = null;
        return false;
    }

    private static OwnMetric Counter(string name, string unit, string description, params string[] keys) =>
        new(name, unit, OwnInstrumentKind.Counter, keys, description);

    private static OwnMetric Histogram(string name, string unit, string description, params string[] keys) =>
        new(name, unit, OwnInstrumentKind.Histogram, keys, description);

    private static OwnMetric Poller(string name, string unit, string description, params string[] keys) =>
        new(name, unit, OwnInstrumentKind.ObservableGauge, keys, description, OwnMetricComponent.Pollers);

    private static OwnMetric Gauge(string name, string unit, string description, params string[] keys) =>
        new(name, unit, OwnInstrumentKind.ObservableGauge, keys, description);
}
