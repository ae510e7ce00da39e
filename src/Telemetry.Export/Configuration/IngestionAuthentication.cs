using Azure.Core;
using Azure.Identity;

namespace Telemetry.Export.Configuration;

/// <summary>
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>, the App Service convention the Functions host reads too:
/// <c>Authorization=AAD</c> sends telemetry with the system-assigned managed identity's Entra ID token,
/// <c>Authorization=AAD;ClientId=&lt;guid&gt;</c> with the user-assigned identity of that client id. Needed when the
/// Application Insights resource has local authentication off, where the connection string alone is refused.
/// </summary>
internal sealed record IngestionAuthentication(string? ClientId)
{
    public static bool TryParse(string? value, out IngestionAuthentication? parsed, out string? error)
    {
        parsed = null;
        error = null;
        string? authorization = null;
        string? clientId = null;
        foreach (var part in (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = "has a part that is not Name=Value";
                return false;
            }

            var name = part[..equals].Trim();
            var partValue = part[(equals + 1)..].Trim();
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = partValue;
            }
            else if (name.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = partValue;
            }
            else
            {
                error = $"has an unknown part '{name}' (expected Authorization=AAD and optionally ClientId=<guid>)";
                return false;
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            error = "must contain Authorization=AAD";
            return false;
        }

        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            error = "has a ClientId that is not a GUID (the managed identity's client id)";
            return false;
        }

        parsed = new IngestionAuthentication(clientId);
        return true;
    }

    /// <summary>The managed identity the exporter asks for its Entra ID token.</summary>
    public TokenCredential CreateCredential() => new ManagedIdentityCredential(
        ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(ClientId));

    /// <summary>Safe to log: which identity, never a token.</summary>
    public string IdentityForLog => ClientId is null ? "system-assigned managed identity" : $"user-assigned managed identity {ClientId}";
}
