using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace Telemetry.Pollers;

/// <summary>
/// The pollers reach the same cluster as the consumer, with the same <c>Kafka</c> settings (bootstrap servers and,
/// for Event Hubs or Confluent Cloud, TLS and SASL), read from configuration when a client is first needed.
/// </summary>
internal static class KafkaConnection
{
    public const string BootstrapServersKey = "Kafka:BootstrapServers";

    private static readonly (string Key, string Property)[] Security =
    [
        ("Kafka:SecurityProtocol", "security.protocol"),
        ("Kafka:SaslMechanism", "sasl.mechanism"),
        ("Kafka:SaslUsername", "sasl.username"),
        ("Kafka:SaslPassword", "sasl.password"),
        ("Kafka:SslCaLocation", "ssl.ca.location"),
    ];

    public static TConfig Configure<TConfig>(TConfig config, IConfiguration configuration, string why)
        where TConfig : ClientConfig
    {
        var bootstrap = configuration[BootstrapServersKey];
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            throw new InvalidOperationException($"{BootstrapServersKey} is not set: {why}.");
        }

        config.BootstrapServers = bootstrap;
        foreach (var (key, property) in Security)
        {
            if (configuration[key] is { Length: > 0 } value)
            {
                config.Set(property, value);
            }
        }

        return config;
    }
}
