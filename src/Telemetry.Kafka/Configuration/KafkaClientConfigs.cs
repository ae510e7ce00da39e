using Confluent.Kafka;

namespace Telemetry.Kafka.Configuration;

/// <summary>Turns <see cref="KafkaOptions"/> into librdkafka client settings, so every client (consumer, DLQ producer, replay) connects the same way.</summary>
internal static class KafkaClientConfigs
{
    public const string FetchQueueBackoffKey = "fetch.queue.backoff.ms";

    public static ConsumerConfig Consumer(KafkaOptions options, string bootstrapServers)
    {
        var config = new ConsumerConfig(Common(options, bootstrapServers))
        {
            GroupId = options.ConsumerGroup,
            // Offsets are stored only once the acknowledgement decision allows it; librdkafka then commits what is stored.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = options.AutoCommitIntervalMs,
            AutoOffsetReset = options.AutoOffsetReset == "latest" ? Confluent.Kafka.AutoOffsetReset.Latest : Confluent.Kafka.AutoOffsetReset.Earliest,
            SessionTimeoutMs = options.SessionTimeoutMs,
            HeartbeatIntervalMs = Math.Max(100, options.SessionTimeoutMs / 10),
            PartitionAssignmentStrategy = options.PartitionAssignmentStrategy switch
            {
                "range" => Confluent.Kafka.PartitionAssignmentStrategy.Range,
                "roundrobin" => Confluent.Kafka.PartitionAssignmentStrategy.RoundRobin,
                _ => Confluent.Kafka.PartitionAssignmentStrategy.CooperativeSticky,
            },
            EnablePartitionEof = false,
        };

        // See KafkaOptions.FetchQueueBackoffMs: the consume loop leaves records in librdkafka's queue while its workers are busy.
        config.Set(FetchQueueBackoffKey, options.FetchQueueBackoffMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return config;
    }

    public static ProducerConfig DeadLetterProducer(KafkaOptions options, string bootstrapServers)
    {
        var config = new ProducerConfig(Common(options, bootstrapServers))
        {
            ClientId = options.ClientId + "-dlq",
            // Idempotence: a retried DLQ write never duplicates or reorders dead letters.
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = options.DeadLetterTimeoutMs,
            // A record the source topic accepted must fit in its dead letter too; the broker keeps the real limit.
            MessageMaxBytes = 16 * 1024 * 1024,
            LingerMs = 5,
        };

        // The dead-letter topic may have its own, narrower credential (Event Hubs: Send on the dead-letter hub only).
        if (config.SaslMechanism is not null)
        {
            if (!string.IsNullOrEmpty(options.DeadLetterSaslUsername))
            {
                config.SaslUsername = options.DeadLetterSaslUsername;
            }

            if (!string.IsNullOrEmpty(options.DeadLetterSaslPassword))
            {
                config.SaslPassword = options.DeadLetterSaslPassword;
            }
        }

        return config;
    }

    public static ProducerConfig Producer(KafkaOptions options, string bootstrapServers, string clientIdSuffix) =>
        new(Common(options, bootstrapServers))
        {
            ClientId = options.ClientId + "-" + clientIdSuffix,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        };

    /// <summary>For reading the consumer group's committed offsets (the Functions trigger's batches).</summary>
    public static AdminClientConfig Admin(KafkaOptions options, string bootstrapServers) =>
        new(Common(options, bootstrapServers))
        {
            ClientId = options.ClientId + "-admin",
        };

    private static ClientConfig Common(KafkaOptions options, string bootstrapServers) =>
        KafkaConnection.Apply(new ClientConfig { ClientId = options.ClientId }, options, bootstrapServers);
}
