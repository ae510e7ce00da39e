namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// Attribute keys of our own metrics: seed 001's, plus Kafee's acknowledgement strategy. All are bounded:
/// topics, partitions, groups, handler and event names, exception type names. Never an id.
/// </summary>
public static class OwnAttributeKeys
{
    public const string MessagingSystem = "messaging.system";
    public const string MessagingDestination = "messaging.destination";
    public const string KafkaPartition = "messaging.kafka.partition";
    public const string KafkaConsumerGroup = "messaging.kafka.consumer_group";
    public const string EventType = "event.type";
    public const string HandlerName = "handler.name";
    public const string ErrorType = "error.type";
    public const string DlqReason = "dlq.reason";
    public const string AckStrategy = "kafee.ack_strategy";

    /// <summary>The value of <see cref="MessagingSystem"/>.</summary>
    public const string KafkaSystem = "kafka";
}
