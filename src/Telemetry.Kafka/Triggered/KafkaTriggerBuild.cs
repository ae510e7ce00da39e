namespace Telemetry.Kafka.Triggered;

/// <summary>
/// The security the Functions app's Kafka trigger was compiled with. Attribute enums cannot come from app settings
/// (Azure/azure-functions-kafka-extension#348), so src/Functions picks them with the <c>KafkaTriggerSecurity</c>
/// MSBuild property and registers them here; <see cref="KafkaTriggerOptionsValidator"/> then stops the start when
/// <c>Kafka:SecurityProtocol</c> or <c>Kafka:SaslMechanism</c> (which the DLQ producer and the lag poller use, and
/// which Bicep sets from <c>kafkaSaslMechanism</c>) says something else.
/// </summary>
public sealed class KafkaTriggerBuild
{
    /// <summary>The <c>KafkaTriggerSecurity</c> value the app was built with, e.g. <c>SaslSslPlain</c>; null when nothing registered it.</summary>
    public string? Name { get; set; }

    /// <summary>The <c>Kafka:SecurityProtocol</c> this build needs: <c>sasl_ssl</c>, or <c>plaintext</c> for a local broker.</summary>
    public string SecurityProtocol { get; set; } = string.Empty;

    /// <summary>The <c>Kafka:SaslMechanism</c> this build needs: <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, or empty.</summary>
    public string SaslMechanism { get; set; } = string.Empty;
}
