using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// How the MQTT poller signs in and secures its connections: credentials (<c>Pollers:MqttUsername</c>,
/// <c>Pollers:MqttPassword</c>) and TLS (<c>Pollers:MqttUseTls</c>, optionally trusting only the CA in
/// <c>Pollers:MqttCaCertificatePath</c>). A class, not a record, so the password never shows up in a ToString().
/// </summary>
internal sealed class MqttConnectionSecurity
{
    private readonly string? _username;
    private readonly string? _password;
    private readonly bool _useTls;
    private readonly X509Certificate2Collection? _trustChain;

    private MqttConnectionSecurity(string? username, string? password, bool useTls, X509Certificate2Collection? trustChain)
    {
        _username = username;
        _password = password;
        _useTls = useTls;
        _trustChain = trustChain;
    }

    public static MqttConnectionSecurity From(PollersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        X509Certificate2Collection? trust = null;
        if (options.MqttUseTls && !string.IsNullOrEmpty(options.MqttCaCertificatePath))
        {
            trust = [];
            trust.ImportFromPemFile(options.MqttCaCertificatePath);
        }

        return new MqttConnectionSecurity(
            string.IsNullOrEmpty(options.MqttUsername) ? null : options.MqttUsername,
            string.IsNullOrEmpty(options.MqttPassword) ? null : options.MqttPassword,
            options.MqttUseTls,
            trust);
    }

    public MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_username is not null)
        {
            builder.WithCredentials(_username, _password);
        }

        if (_useTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (_trustChain is not null)
                {
                    // Chains must end at this CA (custom root trust), not at whatever the system store trusts.
                    tls.WithTrustChain(_trustChain);
                }
            });
        }

        return builder;
    }
}
