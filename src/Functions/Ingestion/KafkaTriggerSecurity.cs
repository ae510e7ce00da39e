using Microsoft.Azure.Functions.Worker;

namespace Telemetry.Functions.Ingestion;

/// <summary>
/// The Kafka trigger's security protocol and SASL mechanism, chosen at build time by the
/// <c>KafkaTriggerSecurity</c> MSBuild property because attribute enums cannot come from app settings.
/// They must agree with the <c>Kafka:SecurityProtocol</c> and <c>Kafka:SaslMechanism</c> settings that the
/// DLQ producer and the lag poller use.
/// </summary>
internal static class KafkaTriggerSecurity
{
#if KAFKA_TRIGGER_PLAINTEXT
    public const BrokerProtocol Protocol = BrokerProtocol.NotSet;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.NotSet;
#elif KAFKA_TRIGGER_SCRAM_SHA256
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.ScramSha256;
#elif KAFKA_TRIGGER_SCRAM_SHA512
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.ScramSha512;
#else
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.Plain;
#endif
}
