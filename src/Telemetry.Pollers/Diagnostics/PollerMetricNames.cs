using Telemetry.Domain.Diagnostics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// Names, units and attribute keys of what the pollers emit. The lag gauge is seed 001's; the rest are ours, under the
/// same lowercase dotted scheme, and belong in the shared catalog (<c>OwnMetricCatalog</c>).
/// </summary>
internal static class PollerMetricNames
{
    // Seed 001: kafka.eventbus.consumer.lag {message}, attributes partition, consumer group, destination.
    public const string ConsumerLag = OwnMetricCatalog.ConsumerLag;
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

    public const string PartitionAttribute = OwnAttributeKeys.KafkaPartition;
    public const string ConsumerGroupAttribute = OwnAttributeKeys.KafkaConsumerGroup;
    public const string DestinationAttribute = OwnAttributeKeys.MessagingDestination;
    public const string StatusAttribute = "kafka.lag.status";
    public const string BrokerAttribute = "mqtt.broker";
    public const string PoolAttribute = "snakepit.pool";
    public const string EndpointAttribute = "url.full";
}
