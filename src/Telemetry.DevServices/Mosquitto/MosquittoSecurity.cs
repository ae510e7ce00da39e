namespace Telemetry.DevServices.Mosquitto;

/// <summary>
/// How a local <see cref="MosquittoBroker"/> is secured: one user (anonymous clients refused) and/or a TLS listener with
/// this PEM certificate and key. A class, not a record, so the password is not printed by a ToString().
/// </summary>
public sealed class MosquittoSecurity
{
    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? CertificatePem { get; init; }

    public string? PrivateKeyPem { get; init; }
}
