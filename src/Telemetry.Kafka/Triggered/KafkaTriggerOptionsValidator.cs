using Microsoft.Extensions.Options;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// What the Functions app's Kafka trigger needs of the <c>Kafka</c> section beyond what the standalone host does:
/// exactly one topic, because the extension subscribes to the setting's text as one topic name
/// (<c>consumer.Subscribe(topic)</c> in Azure/azure-functions-kafka-extension 4.3.2 <c>Listeners/KafkaListener.cs</c>),
/// so <c>a,b</c> would silently wait on a topic called "a,b"; and, once <see cref="KafkaTriggerBuild"/> is registered,
/// the same security protocol and SASL mechanism as the trigger was compiled with.
/// </summary>
internal sealed class KafkaTriggerOptionsValidator(IOptions<KafkaTriggerBuild> build) : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string S = KafkaOptions.SectionName;

        var topics = options.TopicList;
        if (topics.Count > 1 || (topics.Count == 1 && !string.Equals(topics[0], options.Topics, StringComparison.Ordinal)))
        {
            errors.Add($"{S}:Topics is '{options.Topics}'; the Functions app's Kafka trigger subscribes to exactly one topic, named without commas or spaces (the standalone host takes a list). Deploy one app per topic.");
        }

        var trigger = build.Value;
        if (trigger.Name is not null)
        {
            if (!string.Equals(Protocol(options.SecurityProtocol), Protocol(trigger.SecurityProtocol), StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{S}:SecurityProtocol is '{options.SecurityProtocol}' but the Kafka trigger was built with KafkaTriggerSecurity={trigger.Name}, which uses '{trigger.SecurityProtocol}'; set one or rebuild with the other (docs/functions-local.md, Kafka security).");
            }

            if (!string.Equals(options.SaslMechanism, trigger.SaslMechanism, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{S}:SaslMechanism is '{options.SaslMechanism}' but the Kafka trigger was built with KafkaTriggerSecurity={trigger.Name}, which uses '{trigger.SaslMechanism}'; set one or rebuild with the other (dotnet publish src/Functions -p:KafkaTriggerSecurity=...).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // librdkafka's default protocol is plaintext, so an empty setting means the same.
    private static string Protocol(string value) => string.IsNullOrEmpty(value) ? "plaintext" : value;
}
