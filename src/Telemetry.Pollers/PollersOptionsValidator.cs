using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Telemetry.Kafka.Configuration;
using Telemetry.Pollers.Mqtt;

namespace Telemetry.Pollers;

/// <summary>Stops start-up on a bad poller setting, naming the full key.</summary>
/// <param name="kafkaValidators">
/// The Kafka adapter's validator where the host registered the adapter: it then reports the connection settings once,
/// and the checks here would only repeat them.
/// </param>
internal sealed class PollersOptionsValidator(IConfiguration configuration, IEnumerable<IValidateOptions<KafkaOptions>> kafkaValidators) : IValidateOptions<PollersOptions>
{
    public ValidateOptionsResult Validate(string? name, PollersOptions options)
    {
        var failures = new List<string>();
        const string S = PollersOptions.SectionName;

        void Positive(int value, string key)
        {
            if (value <= 0)
            {
                failures.Add($"{S}:{key} must be greater than 0 (was {value}).");
            }
        }

        Positive(options.LagIntervalSeconds, nameof(options.LagIntervalSeconds));
        Positive(options.MqttIntervalSeconds, nameof(options.MqttIntervalSeconds));
        Positive(options.WorkerPoolIntervalSeconds, nameof(options.WorkerPoolIntervalSeconds));
        Positive(options.TimeoutSeconds, nameof(options.TimeoutSeconds));
        Positive(options.DeadlineSeconds, nameof(options.DeadlineSeconds));
        Positive(options.MqttQuietMs, nameof(options.MqttQuietMs));

        if (!string.IsNullOrEmpty(options.MqttPassword) && string.IsNullOrEmpty(options.MqttUsername))
        {
            failures.Add($"{S}:{nameof(options.MqttPassword)} is set but {S}:{nameof(options.MqttUsername)} is empty.");
        }

        if (!string.IsNullOrEmpty(options.MqttCaCertificatePath))
        {
            if (!options.MqttUseTls)
            {
                failures.Add($"{S}:{nameof(options.MqttCaCertificatePath)} is set but {S}:{nameof(options.MqttUseTls)} is false, so it would be ignored.");
            }
            else if (!File.Exists(options.MqttCaCertificatePath))
            {
                failures.Add($"{S}:{nameof(options.MqttCaCertificatePath)} file '{options.MqttCaCertificatePath}' does not exist.");
            }
        }

        if (options.DeadlineSeconds > 0 && options.TimeoutSeconds > options.DeadlineSeconds)
        {
            failures.Add($"{S}:{nameof(options.TimeoutSeconds)} ({options.TimeoutSeconds}) must not exceed {S}:{nameof(options.DeadlineSeconds)} ({options.DeadlineSeconds}).");
        }

        if (options.LagSampleCount < 2)
        {
            failures.Add($"{S}:{nameof(options.LagSampleCount)} must be at least 2: interpolating a time lag needs two samples (was {options.LagSampleCount}).");
        }

        if (options.LagWindowSize < 2)
        {
            failures.Add($"{S}:{nameof(options.LagWindowSize)} must be at least 2: the status rules compare observations (was {options.LagWindowSize}).");
        }

        if (options.LagAllowedMessages < 0)
        {
            failures.Add($"{S}:{nameof(options.LagAllowedMessages)} must not be negative (was {options.LagAllowedMessages}).");
        }

        if (options.WorkerPoolRetries is < 0 or > 5)
        {
            failures.Add($"{S}:{nameof(options.WorkerPoolRetries)} must be between 0 and 5 (was {options.WorkerPoolRetries}).");
        }

        if (options.WorkerPoolMaxResponseBytes is < 1_024 or > 67_108_864)
        {
            failures.Add($"{S}:{nameof(options.WorkerPoolMaxResponseBytes)} must be between 1024 and 67108864 (was {options.WorkerPoolMaxResponseBytes}).");
        }

        var groups = PollersOptions.SplitList(options.LagConsumerGroups);
        var topics = PollersOptions.SplitList(options.LagTopics);
        if (groups.Count > 0 && topics.Count == 0)
        {
            failures.Add($"{S}:{nameof(options.LagTopics)} must name at least one topic when {S}:{nameof(options.LagConsumerGroups)} is set.");
        }

        foreach (var broker in PollersOptions.SplitList(options.MqttBrokers))
        {
            if (!MqttBrokerAddress.TryParse(broker, out _))
            {
                failures.Add($"{S}:{nameof(options.MqttBrokers)} entry '{broker}' is not host:port with a port in 1-65535.");
            }
        }

        foreach (var endpoint in PollersOptions.SplitList(options.WorkerPoolEndpoints))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{S}:{nameof(options.WorkerPoolEndpoints)} entry '{WorkerPools.RedactedUrl.ForText(endpoint)}' is not an absolute http or https URL.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.StateTableName) || !options.StateTableName.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"{S}:{nameof(options.StateTableName)} must be letters and digits only (was '{options.StateTableName}').");
        }

        if (string.IsNullOrWhiteSpace(options.LagTableName) || !options.LagTableName.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"{S}:{nameof(options.LagTableName)} must be letters and digits only (was '{options.LagTableName}').");
        }

        if (PollersOptions.SplitList(options.WorkerPoolEndpoints).Count > 0 && string.IsNullOrWhiteSpace(options.TelemetryTopic))
        {
            failures.Add($"{S}:{nameof(options.TelemetryTopic)} must be set when {S}:{nameof(options.WorkerPoolEndpoints)} is set.");
        }

        // Lag reads offsets from Kafka and worker-pool events are published to it: either needs the Kafka section, and
        // connects with it as the Kafka adapter's clients do, so its connection settings pass the adapter's checks.
        var needsKafka = groups.Count > 0 || PollersOptions.SplitList(options.WorkerPoolEndpoints).Count > 0;
        if (needsKafka)
        {
            // Bound here rather than resolved: resolving would run the adapter's whole validator (consumer settings
            // included) inside this one, where it is registered.
            var kafka = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
            if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
            {
                failures.Add($"{BootstrapServersKey} must be set when {S}:{nameof(options.LagConsumerGroups)} or {S}:{nameof(options.WorkerPoolEndpoints)} is set.");
            }

            if (!kafkaValidators.Any())
            {
                failures.AddRange(KafkaConnection.Validate(kafka));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal const string BootstrapServersKey = $"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}";
}
