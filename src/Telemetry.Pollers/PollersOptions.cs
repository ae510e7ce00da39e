namespace Telemetry.Pollers;

/// <summary>
/// Settings of the three pollers, section <c>Pollers</c>. Lists are comma-separated strings so every key stays flat
/// (<c>Pollers:MqttBrokers</c> in JSON, <c>Pollers__MqttBrokers</c> in the environment, the same in Bicep).
/// An empty list switches its poller off.
/// </summary>
public sealed class PollersOptions
{
    public const string SectionName = "Pollers";

    /// <summary>
    /// Consumer groups whose lag is watched; empty means our own, <c>Kafka:ConsumerGroup</c>. Configured, never
    /// discovered: listing groups crashes the mock cluster.
    /// </summary>
    public string LagConsumerGroups { get; set; } = "";

    /// <summary>Topics whose partitions are checked for each group in <see cref="LagConsumerGroups"/>; empty means <c>Kafka:Topics</c>.</summary>
    public string LagTopics { get; set; } = "";

    /// <summary>Standalone host: seconds between lag polls.</summary>
    public int LagIntervalSeconds { get; set; } = 30;

    /// <summary>Functions app: NCRONTAB of the lag timer trigger (read by the Functions app as <c>%Pollers:LagSchedule%</c>).</summary>
    public string LagSchedule { get; set; } = "*/30 * * * * *";

    /// <summary>
    /// How many (latest offset, time) samples per partition are kept for the time-lag interpolation; at least 2 are needed
    /// to estimate anything, and more reach further back into a consumer's backlog.
    /// </summary>
    public int LagSampleCount { get; set; } = 60;

    /// <summary>Burrow's window: how many committed-offset observations per partition the status rules look at.</summary>
    public int LagWindowSize { get; set; } = 10;

    /// <summary>Burrow's allowed lag: a partition lagging by at most this many messages counts as caught up.</summary>
    public int LagAllowedMessages { get; set; }

    /// <summary>Brokers as <c>host:port</c>, comma-separated.</summary>
    public string MqttBrokers { get; set; } = "";

    public int MqttIntervalSeconds { get; set; } = 30;

    public string MqttSchedule { get; set; } = "*/30 * * * * *";

    /// <summary>
    /// After the last retained <c>$SYS</c> message arrives, how long a poll keeps listening before it calls the snapshot
    /// complete. Mosquitto sends every retained topic right after the subscription, so a short quiet period suffices.
    /// </summary>
    public int MqttQuietMs { get; set; } = 300;

    /// <summary>User name the MQTT poller connects with; empty connects anonymously.</summary>
    public string MqttUsername { get; set; } = "";

    /// <summary>Password of <see cref="MqttUsername"/>. In Azure a Key Vault reference; never logged.</summary>
    public string MqttPassword { get; set; } = "";

    /// <summary>Connect to the brokers over TLS (MQTT over TLS, usually port 8883).</summary>
    public bool MqttUseTls { get; set; }

    /// <summary>
    /// PEM file of the certificate authority (or self-signed certificate) the brokers' TLS certificates must chain to;
    /// empty trusts the system's store. Only with <see cref="MqttUseTls"/>.
    /// </summary>
    public string MqttCaCertificatePath { get; set; } = "";

    /// <summary>Worker-pool health endpoints (absolute http/https URLs), comma-separated.</summary>
    public string WorkerPoolEndpoints { get; set; } = "";

    public int WorkerPoolIntervalSeconds { get; set; } = 30;

    public string WorkerPoolSchedule { get; set; } = "*/30 * * * * *";

    /// <summary>Bound on one target (one broker, one endpoint, one group's offset fetch).</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Bound on a whole poll; a run never outlives it, whatever the number of targets.</summary>
    public int DeadlineSeconds { get; set; } = 25;

    /// <summary>Bounded retries of a worker-pool request that failed transiently (0 disables retries).</summary>
    public int WorkerPoolRetries { get; set; } = 1;

    /// <summary>
    /// Largest worker-pool health document read; a longer body (declared or streamed without <c>Content-Length</c>)
    /// fails the poll as <c>invalid_document: too large</c> instead of being buffered without limit.
    /// </summary>
    public int WorkerPoolMaxResponseBytes { get; set; } = 1_048_576;

    /// <summary>
    /// Topic the worker-pool events are published to as envelopes, so they take the ingested events' path; empty means
    /// the first of <c>Kafka:Topics</c> (else <c>telemetry</c>).
    /// </summary>
    public string TelemetryTopic { get; set; } = "";

    /// <summary>Table holding the pollers' state between runs (prefixed with <c>Ledger:TablePrefix</c>).</summary>
    public string StateTableName { get; set; } = "PollerState";

    /// <summary>Table holding the lag samples and statuses (prefixed with <c>Ledger:TablePrefix</c>).</summary>
    public string LagTableName { get; set; } = "ConsumerLag";

    internal static IReadOnlyList<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
