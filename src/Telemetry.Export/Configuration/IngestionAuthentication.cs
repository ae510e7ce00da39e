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
        if (!SettingParts.TryParse(value ?? string.Empty, out var parts, out error))
        {
            return false;
        }

        var unknown = parts.Keys.FirstOrDefault(name =>
            !name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && !name.Equals("ClientId", StringComparison.OrdinalIgnoreCase));
        if (unknown is not null)
        {
            error = $"has an unknown part '{unknown}' (expected Authorization=AAD and optionally ClientId=<guid>)";
            return false;
        }

        parts.TryGetValue("Authorization", out var authorization);
        parts.TryGetValue("ClientId", out var clientId);

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
