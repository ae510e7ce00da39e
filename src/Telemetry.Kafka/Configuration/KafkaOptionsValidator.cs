using Microsoft.Extensions.Options;

namespace Telemetry.Kafka.Configuration;

/// <summary>Rejects a bad <c>Kafka</c> section at start-up with messages that name the full key.</summary>
internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    internal static readonly string[] AckStrategies = ["all_or_nothing", "best_effort", "last_successful"];
    internal static readonly string[] AssignmentStrategies = ["cooperative-sticky", "range", "roundrobin"];
    internal static readonly string[] OffsetResets = ["earliest", "latest"];

    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string S = KafkaOptions.SectionName;

        if (options.TopicList.Count == 0)
        {
            errors.Add($"{S}:Topics must name at least one topic (comma-separated).");
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerGroup))
        {
            errors.Add($"{S}:ConsumerGroup must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{S}:BootstrapServers is required (host:port, comma-separated); only 'demo' runs without it, on an embedded cluster.");
        }

        // Bootstrap server entries, TLS and SASL: the checks every Kafka client of the app shares.
        errors.AddRange(KafkaConnection.Validate(options));

        OneOf(errors, $"{S}:AckStrategy", options.AckStrategy, AckStrategies, StringComparison.Ordinal);
        OneOf(errors, $"{S}:PartitionAssignmentStrategy", options.PartitionAssignmentStrategy, AssignmentStrategies, StringComparison.Ordinal);
        OneOf(errors, $"{S}:AutoOffsetReset", options.AutoOffsetReset, OffsetResets, StringComparison.Ordinal);
        Range(errors, $"{S}:MaxRetries", options.MaxRetries, 0, 100);
        Range(errors, $"{S}:RetryBackoffInitialMs", options.RetryBackoffInitialMs, 1, 3_600_000);
        Range(errors, $"{S}:RetryBackoffMaxMs", options.RetryBackoffMaxMs, 1, 3_600_000);
        if (options.RetryBackoffMaxMs < options.RetryBackoffInitialMs)
        {
            errors.Add($"{S}:RetryBackoffMaxMs ({options.RetryBackoffMaxMs}) must be at least {S}:RetryBackoffInitialMs ({options.RetryBackoffInitialMs}).");
        }

        Range(errors, $"{S}:BatchSize", options.BatchSize, 1, 100_000);
        Range(errors, $"{S}:BatchTimeoutMs", options.BatchTimeoutMs, 0, 600_000);
        Range(errors, $"{S}:BatchMaxBytes", options.BatchMaxBytes, 1, 256 * 1024 * 1024);
        Range(errors, $"{S}:MaxBatchesInFlight", options.MaxBatchesInFlight, 1, 1024);
        Range(errors, $"{S}:DeadLetterTimeoutMs", options.DeadLetterTimeoutMs, 100, 3_600_000);
        Range(errors, $"{S}:SessionTimeoutMs", options.SessionTimeoutMs, 1_000, 3_600_000);
        Range(errors, $"{S}:AutoCommitIntervalMs", options.AutoCommitIntervalMs, 10, 600_000);
        Range(errors, $"{S}:FetchQueueBackoffMs", options.FetchQueueBackoffMs, 0, 60_000);
        Range(errors, $"{S}:ShutdownTimeoutMs", options.ShutdownTimeoutMs, 0, 600_000);

        foreach (var topic in options.TopicList)
        {
            if (string.Equals(options.DeadLetterTopicFor(topic), topic, StringComparison.Ordinal))
            {
                errors.Add($"{S}:DeadLetterTopic resolves to the source topic '{topic}' itself.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void OneOf(List<string> errors, string key, string value, string[] allowed, StringComparison comparison)
    {
        if (!allowed.Any(a => string.Equals(a, value, comparison)))
        {
            errors.Add($"{key} is '{value}'; expected one of: {string.Join(", ", allowed)}.");
        }
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} is {value}; expected {min}..{max}.");
        }
    }
}
