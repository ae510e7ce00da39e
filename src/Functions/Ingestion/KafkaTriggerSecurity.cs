using Microsoft.Azure.Functions.Worker;

namespace Telemetry.Functions.Ingestion;

/// <summary>
/// The Kafka trigger's security protocol and SASL mechanism, chosen at build time by the
/// <c>KafkaTriggerSecurity</c> MSBuild property because attribute enums cannot come from app settings.
/// They must agree with the <c>Kafka:SecurityProtocol</c> and <c>Kafka:SaslMechanism</c> settings that the
/// DLQ producer and the lag poller use: Program.cs registers the two settings' values here
/// (<c>AddKafkaTriggerBuild</c>) and the app stops at start, naming the setting, when they differ.
/// OAUTHBEARER has no value: the worker attribute's OAuth properties are compile-time strings too, and
/// <c>Kafka:SaslMechanism=OAUTHBEARER</c> is refused at start by both hosts.
/// </summary>
internal static class KafkaTriggerSecurity
{
#if KAFKA_TRIGGER_PLAINTEXT
    public const string Name = "Plaintext";
    public const BrokerProtocol Protocol = BrokerProtocol.NotSet;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.NotSet;
    public const string SecurityProtocolSetting = "plaintext";
    public const string SaslMechanismSetting = "";
#elif KAFKA_TRIGGER_SCRAM_SHA256
    public const string Name = "SaslSslScramSha256";
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.ScramSha256;
    public const string SecurityProtocolSetting = "sasl_ssl";
    public const string SaslMechanismSetting = "SCRAM-SHA-256";
#elif KAFKA_TRIGGER_SCRAM_SHA512
    public const string Name = "SaslSslScramSha512";
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.ScramSha512;
    public const string SecurityProtocolSetting = "sasl_ssl";
    public const string SaslMechanismSetting = "SCRAM-SHA-512";
#else
    public const string Name = "SaslSslPlain";
    public const BrokerProtocol Protocol = BrokerProtocol.SaslSsl;
    public const BrokerAuthenticationMode Mechanism = BrokerAuthenticationMode.Plain;
    public const string SecurityProtocolSetting = "sasl_ssl";
    public const string SaslMechanismSetting = "PLAIN";
#endif
}
