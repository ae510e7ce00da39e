using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Telemetry.Export.Tests.Loopback;

namespace Telemetry.Export.Tests.Ingestion;

/// <summary>
/// A loopback stand-in for the App Service / Functions managed identity endpoint: the protocol that
/// <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c> describe (GET with <c>api-version=2019-08-01</c>, <c>resource</c>,
/// optional <c>client_id</c>, and the <c>X-IDENTITY-HEADER</c> secret), answering with a token for the asked client id.
/// Azure.Identity's real <c>ManagedIdentityCredential</c> talks to it exactly as it talks to the platform's.
/// </summary>
internal sealed class ManagedIdentityEndpoint : IAsyncDisposable
{
    public const string IdentityHeader = "loopback-identity-header";

    private WebApplication _app = null!;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();


    public Uri TokenUri { get; private set; } = null!;

    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    /// <summary>The token handed to a client id; the test asserts it arrives at ingestion as the bearer.</summary>
    public static string TokenFor(string? clientId) => $"loopback-entra-token-for-{clientId ?? "system-assigned"}";

    public static async Task<ManagedIdentityEndpoint> StartAsync()
    {
        var endpoint = new ManagedIdentityEndpoint();
        (endpoint._app, var address) = await LoopbackApp.StartAsync(app => app.MapGet("/msi/token", endpoint.TokenAsync));
        endpoint.TokenUri = new Uri(address, "msi/token");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task TokenAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var request = new TokenRequest(
            query["resource"].ToString(),
            query["client_id"].Count > 0 ? query["client_id"].ToString() : null,
            context.Request.Headers["X-IDENTITY-HEADER"].ToString());
        _requests.Enqueue(request);
        if (request.IdentityHeader != IdentityHeader)
        {
            context.Response.StatusCode = 401;
            return;
        }

        var expiresOn = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            ["access_token"] = TokenFor(request.ClientId),
            ["expires_on"] = expiresOn,
            ["resource"] = request.Resource,
            ["token_type"] = "Bearer",
            ["client_id"] = request.ClientId ?? "00000000-0000-0000-0000-00000000000a",
        });
    }
}

internal sealed record TokenRequest(string Resource, string? ClientId, string IdentityHeader);
