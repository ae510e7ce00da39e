namespace Telemetry.Kafka.Configuration;

/// <summary>
/// Section <c>Kafka</c>: where to consume from, how to batch, acknowledge and dead-letter. Flat scalar keys so the same
/// names work in appsettings, environment variables (<c>Kafka__BootstrapServers</c>) and Functions app settings.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list. Empty means "no cluster": only <c>demo</c> accepts it (it starts the embedded mock cluster).</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Comma-separated topics to consume.</summary>
    public string Topics { get; set; } = "telemetry";

    public string ConsumerGroup { get; set; } = "telemetry-functions";

    /// <summary><c>all_or_nothing</c> (default), <c>best_effort</c> or <c>last_successful</c> (Kafee's strategies).</summary>
    public string AckStrategy { get; set; } = "all_or_nothing";

    /// <summary>Attempts after the first failure before a message goes to the dead-letter topic.</summary>
    public int MaxRetries { get; set; } = 3;

    public int RetryBackoffInitialMs { get; set; } = 200;

    public int RetryBackoffMaxMs { get; set; } = 10_000;

    /// <summary>Most records in one partition batch (Kafee <c>batch: [size, ...]</c>).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a partition batch may wait for more records after its first one.</summary>
    public int BatchTimeoutMs { get; set; } = 500;

    /// <summary>Most key + value bytes in one partition batch; a single larger record forms a batch of its own.</summary>
    public int BatchMaxBytes { get; set; } = 1_048_576;

    /// <summary>Batches processed at the same time across partitions (at most one per partition, so order is kept).</summary>
    public int MaxBatchesInFlight { get; set; } = 8;

    /// <summary>Dead-letter topic; empty means <c>&lt;topic&gt;.dlq</c>. <c>{topic}</c> is replaced by the source topic.</summary>
    public string DeadLetterTopic { get; set; } = string.Empty;

    /// <summary>How long a dead-letter write may take (the DLQ producer's <c>message.timeout.ms</c>) before it counts as failed.</summary>
    public int DeadLetterTimeoutMs { get; set; } = 30_000;

    /// <summary><c>plaintext</c> (default), <c>ssl</c>, <c>sasl_plaintext</c> or <c>sasl_ssl</c> (Event Hubs and Confluent Cloud).</summary>
    public string SecurityProtocol { get; set; } = string.Empty;

    /// <summary><c>PLAIN</c> (Event Hubs: user <c>$ConnectionString</c>; Confluent Cloud: API key), <c>SCRAM-SHA-256</c> or <c>SCRAM-SHA-512</c>; <c>OAUTHBEARER</c> is refused at start (nothing here obtains a token).</summary>
    public string SaslMechanism { get; set; } = string.Empty;

    public string SaslUsername { get; set; } = string.Empty;

    public string SaslPassword { get; set; } = string.Empty;

    /// <summary>
    /// SASL user name of the dead-letter producer; empty uses <see cref="SaslUsername"/>. With Event Hubs the dead-letter
    /// hub has its own Send-only rule, so the producer signs in with a credential that opens that hub and nothing else.
    /// </summary>
    public string DeadLetterSaslUsername { get; set; } = string.Empty;

    /// <summary>SASL password of the dead-letter producer; empty uses <see cref="SaslPassword"/>. Never logged.</summary>
    public string DeadLetterSaslPassword { get; set; } = string.Empty;

    /// <summary>CA bundle file for TLS; empty uses the system's store.</summary>
    public string SslCaLocation { get; set; } = string.Empty;

    /// <summary><c>cooperative-sticky</c> (default, incremental rebalances), or the eager <c>range</c> / <c>roundrobin</c>.</summary>
    public string PartitionAssignmentStrategy { get; set; } = "cooperative-sticky";

    /// <summary>Group session timeout; a consumer silent this long is removed from the group.</summary>
    public int SessionTimeoutMs { get; set; } = 45_000;

    /// <summary>How often stored (fully processed) offsets are committed; on revoke and shutdown they are committed at once.</summary>
    public int AutoCommitIntervalMs { get; set; } = 1_000;

    /// <summary>
    /// librdkafka's <c>fetch.queue.backoff.ms</c>: how long it postpones fetching once its own queue is over its
    /// thresholds. The standalone host lets that queue fill while its workers are busy, and with librdkafka's 1 s
    /// default a broker that answers fetches with tens of MB left the host idle for most of each second.
    /// </summary>
    public int FetchQueueBackoffMs { get; set; } = 100;

    /// <summary>How long revoke and shutdown wait for an in-flight batch to finish before abandoning it uncommitted.</summary>
    public int ShutdownTimeoutMs { get; set; } = 10_000;

    /// <summary><c>earliest</c> (default) or <c>latest</c>: where a group with no committed offset starts.</summary>
    public string AutoOffsetReset { get; set; } = "earliest";

    public string ClientId { get; set; } = "telemetry-functions";

    internal IReadOnlyList<string> TopicList => Split(this.Topics);

    /// <summary>The dead-letter topic for records of <paramref name="sourceTopic"/>.</summary>
    public string DeadLetterTopicFor(string sourceTopic)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceTopic);
        return string.IsNullOrWhiteSpace(this.DeadLetterTopic)
            ? sourceTopic + ".dlq"
            : this.DeadLetterTopic.Trim().Replace("{topic}", sourceTopic, StringComparison.Ordinal);
    }

    internal static IReadOnlyList<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
