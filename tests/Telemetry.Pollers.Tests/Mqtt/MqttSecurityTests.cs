using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Telemetry.DevServices.Mosquitto;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;

namespace Telemetry.Pollers.Tests.Mqtt;

/// <summary>The MQTT poller against a real mosquitto that refuses anonymous clients, and one that speaks TLS only.</summary>
[Collection(MqttCollection.Name)]
public sealed class MqttSecurityTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> Settings(MosquittoBroker broker, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Pollers:MqttBrokers"] = broker.Address,
            ["Pollers:MqttQuietMs"] = "200",
            ["Pollers:TimeoutSeconds"] = "3",
            ["Pollers:DeadlineSeconds"] = "10",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task<(PollResult Result, double? Health, IReadOnlyList<string> Logs)> PollOnceAsync(MosquittoBroker broker, params (string Key, string Value)[] extra)
    {
        var logs = new CapturingLoggerProvider();
        await using var host = PollerHost.Create(azurite, Settings(broker, extra), logs: logs);
        var result = await host.Poller(PollerNames.Mqtt).PollAsync(CancellationToken.None);
        double? health = host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var value, new KeyValuePair<string, object?>(PollerMetricNames.BrokerAttribute, broker.Address)) ? value : null;
        return (result, health, logs.Lines);
    }

    [Fact]
    public async Task The_poller_signs_in_with_its_credentials_and_a_wrong_password_fails_without_being_logged()
    {
        var password = "mqtt-Pa55word-" + Guid.NewGuid().ToString("N")[..8];
        var wrong = "wrong-Pa55word-" + Guid.NewGuid().ToString("N")[..8];
        await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoSecurity { Username = "telemetry-poller", Password = password });

        var signedIn = await PollOnceAsync(broker, ("Pollers:MqttUsername", "telemetry-poller"), ("Pollers:MqttPassword", password));
        Assert.True(signedIn.Result.AllSucceeded, string.Join("; ", signedIn.Result.Failures));
        Assert.Equal(1, signedIn.Health);

        var anonymous = await PollOnceAsync(broker);
        Assert.False(anonymous.Result.AllSucceeded, "mosquitto accepted an anonymous poller although its password file allows one user only");
        Assert.Equal(0, anonymous.Health);

        var refused = await PollOnceAsync(broker, ("Pollers:MqttUsername", "telemetry-poller"), ("Pollers:MqttPassword", wrong));
        var failure = Assert.Single(refused.Result.Failures);
        Assert.Equal(0, refused.Health);
        foreach (var text in refused.Logs.Append(failure).Concat(signedIn.Logs))
        {
            Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_poller_connects_over_tls_trusting_only_the_configured_certificate()
    {
        var (certificatePem, keyPem) = SelfSignedLoopbackCertificate();
        var caPath = Path.Combine(Path.GetTempPath(), $"mqtt-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caPath, certificatePem);
        try
        {
            await using var broker = await MosquittoBroker.StartNewAsync(new MosquittoSecurity { CertificatePem = certificatePem, PrivateKeyPem = keyPem });

            var trusted = await PollOnceAsync(broker, ("Pollers:MqttUseTls", "true"), ("Pollers:MqttCaCertificatePath", caPath));
            Assert.True(trusted.Result.AllSucceeded, string.Join("; ", trusted.Result.Failures));
            Assert.Equal(1, trusted.Health);

            // The system store does not know the self-signed certificate: TLS without the CA file must refuse it.
            var untrusted = await PollOnceAsync(broker, ("Pollers:MqttUseTls", "true"));
            Assert.False(untrusted.Result.AllSucceeded, "the poller accepted a certificate nobody trusts");

            // And a plain-text MQTT client gets nowhere with a TLS listener.
            var plain = await PollOnceAsync(broker);
            Assert.False(plain.Result.AllSucceeded, "a plain-text poll succeeded against a TLS-only broker");
        }
        finally
        {
            File.Delete(caPath);
        }
    }

    private static (string CertificatePem, string KeyPem) SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
