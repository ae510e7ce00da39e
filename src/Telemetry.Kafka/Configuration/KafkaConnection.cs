using Confluent.Kafka;

namespace Telemetry.Kafka.Configuration;

/// <summary>
/// How every Kafka client of this app reaches the cluster (the consumer, the dead-letter producer, replay, and the
/// pollers' admin client and producer): bootstrap servers, TLS and SASL from the <c>Kafka</c> section, and the checks
/// those settings must pass at start. One place, so a client never connects differently from the others.
/// </summary>
public static class KafkaConnection
{
    internal static readonly string[] SecurityProtocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
    internal static readonly string[] SaslMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"];

    /// <summary>Sets <paramref name="config"/>'s bootstrap servers, security protocol, SASL and CA bundle; leaves the rest alone.</summary>
    public static TConfig Apply<TConfig>(TConfig config, KafkaOptions options, string bootstrapServers)
        where TConfig : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.BootstrapServers = bootstrapServers;
        if (!string.IsNullOrEmpty(options.SecurityProtocol))
        {
            config.SecurityProtocol = options.SecurityProtocol.ToLowerInvariant() switch
            {
                "ssl" => Confluent.Kafka.SecurityProtocol.Ssl,
                "sasl_plaintext" => Confluent.Kafka.SecurityProtocol.SaslPlaintext,
                "sasl_ssl" => Confluent.Kafka.SecurityProtocol.SaslSsl,
                _ => Confluent.Kafka.SecurityProtocol.Plaintext,
            };
        }

        if (!string.IsNullOrEmpty(options.SaslMechanism))
        {
            config.SaslMechanism = options.SaslMechanism.ToUpperInvariant() switch
            {
                "SCRAM-SHA-256" => Confluent.Kafka.SaslMechanism.ScramSha256,
                "SCRAM-SHA-512" => Confluent.Kafka.SaslMechanism.ScramSha512,
                "OAUTHBEARER" => Confluent.Kafka.SaslMechanism.OAuthBearer,
                _ => Confluent.Kafka.SaslMechanism.Plain,
            };
            config.SaslUsername = options.SaslUsername;
            config.SaslPassword = options.SaslPassword;
        }

        if (!string.IsNullOrEmpty(options.SslCaLocation))
        {
            config.SslCaLocation = options.SslCaLocation;
        }

        return config;
    }

    /// <summary>
    /// What is wrong with the connection settings, each message naming its full key. Whether bootstrap servers are
    /// required at all is the caller's to say (the demo runs without; the pollers need them only for some pollers).
    /// </summary>
    public static IReadOnlyList<string> Validate(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string S = KafkaOptions.SectionName;

        foreach (var server in KafkaOptions.Split(options.BootstrapServers))
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                errors.Add($"{S}:BootstrapServers entry '{server}' is not host:port.");
            }
        }

        if (!string.IsNullOrEmpty(options.SecurityProtocol))
        {
            OneOf(errors, $"{S}:SecurityProtocol", options.SecurityProtocol, SecurityProtocols);
        }

        var sasl = options.SecurityProtocol.StartsWith("sasl", StringComparison.OrdinalIgnoreCase);
        if (sasl)
        {
            OneOf(errors, $"{S}:SaslMechanism", options.SaslMechanism, SaslMechanisms);
            if (string.Equals(options.SaslMechanism, "OAUTHBEARER", StringComparison.OrdinalIgnoreCase))
            {
                // Refused rather than half-configured: no setting supplies a token (OIDC client, Entra ID identity), so
                // librdkafka would send its unsecured development JWT and the broker would refuse every client; and
                // the Functions trigger's OAuth properties are compile-time attribute strings, like its mechanism.
                errors.Add($"{S}:SaslMechanism OAUTHBEARER is not supported: nothing in this app obtains a token for it. Use PLAIN (Event Hubs: user '$ConnectionString'), SCRAM-SHA-256 or SCRAM-SHA-512.");
            }
            else
            {
                if (string.IsNullOrEmpty(options.SaslUsername))
                {
                    errors.Add($"{S}:SaslUsername is required when {S}:SecurityProtocol is {options.SecurityProtocol} (Event Hubs: '$ConnectionString').");
                }

                if (string.IsNullOrEmpty(options.SaslPassword))
                {
                    errors.Add($"{S}:SaslPassword is required when {S}:SecurityProtocol is {options.SecurityProtocol}.");
                }
            }
        }
        else if (!string.IsNullOrEmpty(options.DeadLetterSaslUsername) || !string.IsNullOrEmpty(options.DeadLetterSaslPassword))
        {
            errors.Add($"{S}:DeadLetterSaslUsername and {S}:DeadLetterSaslPassword are set but {S}:SecurityProtocol is not sasl_plaintext or sasl_ssl, so they would be ignored.");
        }
        else if (!string.IsNullOrEmpty(options.SaslMechanism) || !string.IsNullOrEmpty(options.SaslUsername))
        {
            errors.Add($"{S}:SaslMechanism/SaslUsername are set but {S}:SecurityProtocol is not sasl_plaintext or sasl_ssl, so they would be ignored.");
        }

        if (!string.IsNullOrEmpty(options.SslCaLocation) && !File.Exists(options.SslCaLocation))
        {
            errors.Add($"{S}:SslCaLocation file '{options.SslCaLocation}' does not exist.");
        }

        return errors;
    }

    private static void OneOf(List<string> errors, string key, string value, string[] allowed)
    {
        if (!allowed.Any(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{key} is '{value}'; expected one of: {string.Join(", ", allowed)}.");
        }
    }
}
