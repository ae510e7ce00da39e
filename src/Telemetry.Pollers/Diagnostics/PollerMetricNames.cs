using Telemetry.Domain.Diagnostics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// Short names for what the pollers emit. Every metric name, unit and description lives in <c>OwnMetricCatalog</c> (the
/// one catalog); these constants only point at it, so a poller cannot emit a name the catalog does not describe.
/// </summary>
internal static class PollerMetricNames
{
    // Seed 001: kafka.eventbus.consumer.lag {message}, attributes partition, consumer group, destination.
    public const string ConsumerLag = OwnMetricCatalog.ConsumerLag;
    public const string ConsumerLagSeconds = OwnMetricCatalog.ConsumerLagSeconds;
    public const string ConsumerLagSum = OwnMetricCatalog.ConsumerLagSum;
    public const string ConsumerLagStatus = OwnMetricCatalog.ConsumerLagStatus;

    public const string MqttConnectionsActive = OwnMetricCatalog.MqttConnectionsActive;
    public const string MqttReconnections = OwnMetricCatalog.MqttReconnections;
    public const string MqttClientsConnected = OwnMetricCatalog.MqttClientsConnected;
    public const string MqttSubscriptions = OwnMetricCatalog.MqttSubscriptions;
    public const string MqttRetainedMessages = OwnMetricCatalog.MqttRetainedMessages;
    public const string MqttUptime = OwnMetricCatalog.MqttUptime;
    public const string MqttMessagesReceivedRate = OwnMetricCatalog.MqttMessagesReceivedRate;
    public const string MqttMessagesSentRate = OwnMetricCatalog.MqttMessagesSentRate;
    public const string MqttBytesReceivedRate = OwnMetricCatalog.MqttBytesReceivedRate;
    public const string MqttBytesSentRate = OwnMetricCatalog.MqttBytesSentRate;
    public const string MqttMessagesDroppedRate = OwnMetricCatalog.MqttMessagesDroppedRate;

    public const string WorkerPoolUp = OwnMetricCatalog.WorkerPoolUp;
    public const string WorkerPoolWorkers = OwnMetricCatalog.WorkerPoolWorkers;
    public const string WorkerPoolBusyWorkers = OwnMetricCatalog.WorkerPoolBusyWorkers;
    public const string WorkerPoolQueueSize = OwnMetricCatalog.WorkerPoolQueueSize;
    public const string WorkerPoolQueueCapacity = OwnMetricCatalog.WorkerPoolQueueCapacity;

    public const string PartitionAttribute = OwnAttributeKeys.KafkaPartition;
    public const string ConsumerGroupAttribute = OwnAttributeKeys.KafkaConsumerGroup;
    public const string DestinationAttribute = OwnAttributeKeys.MessagingDestination;
    public const string StatusAttribute = "kafka.lag.status";
    public const string BrokerAttribute = OwnMetricCatalog.MqttBrokerKey;
    public const string PoolAttribute = OwnMetricCatalog.WorkerPoolKey;
    public const string EndpointAttribute = "url.full";
}
