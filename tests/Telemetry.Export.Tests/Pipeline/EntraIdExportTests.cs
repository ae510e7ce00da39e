using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Diagnostics;
using Telemetry.Export.Configuration;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Pipeline;

/// <summary>
/// The App Service managed identity endpoint on loopback, advertised the way the platform does it
/// (<c>IDENTITY_ENDPOINT</c>, <c>IDENTITY_HEADER</c>), for the class's tests; and the TLS certificate of the ingestion
/// stand-in, since Azure.Core sends a bearer token over https only.
/// </summary>
public sealed class ManagedIdentityFixture : IAsyncLifetime
{
    private static readonly string[] Variables = ["IDENTITY_ENDPOINT", "IDENTITY_HEADER"];
    private readonly Dictionary<string, string?> _previous = [];

    internal ManagedIdentityEndpoint Identity { get; private set; } = null!;

    internal X509Certificate2 Certificate { get; } = LoopbackCertificate.Create();

    public async Task InitializeAsync()
    {
        Identity = await ManagedIdentityEndpoint.StartAsync();
        foreach (var name in Variables)
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", Identity.TokenUri.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", ManagedIdentityEndpoint.IdentityHeader);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await Identity.DisposeAsync();
        Certificate.Dispose();
    }

    /// <summary>The exporter's HTTP transport, trusting exactly the stand-in's self-signed certificate.</summary>
    internal HttpClientTransport TrustingTransport()
    {
        var thumbprint = Certificate.Thumbprint;
#pragma warning disable CA2000 // the transport owns the handler for the harness's lifetime
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        };
#pragma warning restore CA2000
        return new HttpClientTransport(handler);
    }
}

[Collection(OwnMeterCollection.Name)]
public sealed class EntraIdExportTests(ManagedIdentityFixture fixture) : IClassFixture<ManagedIdentityFixture>
{
    [Fact]
    public async Task Standalone_exporter_sends_the_user_assigned_identitys_entra_token_as_bearer()
    {
        await using var ingestion = await IngestionEndpoint.StartAsync(fixture.Certificate);
        var clientId = Guid.NewGuid().ToString();
        await using var export = ExportHarness.Standalone(
            ingestion,
            new Dictionary<string, string?> { [ExportOptions.AuthenticationStringKey] = $"Authorization=AAD;ClientId={clientId}" },
            configure: services => services.Configure<AzureMonitorExporterOptions>(o => o.Transport = fixture.TrustingTransport()));

        await RecordAndFlushAsync(export, ingestion);

        Assert.All(ingestion.Authorizations, header => Assert.Equal($"Bearer {ManagedIdentityEndpoint.TokenFor(clientId)}", header));
        var request = Assert.Single(fixture.Identity.Requests, r => r.ClientId == clientId);
        Assert.StartsWith("https://monitor.azure.com", request.Resource, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_exporter_sends_the_identitys_entra_token_as_bearer_from_the_same_setting()
    {
        await using var ingestion = await IngestionEndpoint.StartAsync(fixture.Certificate);
        var clientId = Guid.NewGuid().ToString();
        await using var export = ExportHarness.Functions(
            ingestion,
            settings: new Dictionary<string, string?> { [ExportOptions.AuthenticationStringKey] = $"ClientId={clientId};Authorization=AAD" },
            configureExporter: o => o.Transport = fixture.TrustingTransport());

        await RecordAndFlushAsync(export, ingestion);

        Assert.All(ingestion.Authorizations, header => Assert.Equal($"Bearer {ManagedIdentityEndpoint.TokenFor(clientId)}", header));
        Assert.Contains(fixture.Identity.Requests, r => r.ClientId == clientId);
        Assert.NotNull(export.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().CurrentValue.Credential);
    }

    [Fact]
    public async Task Without_the_authentication_string_the_exporter_sends_no_bearer()
    {
        await using var ingestion = await IngestionEndpoint.StartAsync(fixture.Certificate);
        await using var export = ExportHarness.Standalone(
            ingestion,
            configure: services => services.Configure<AzureMonitorExporterOptions>(o => o.Transport = fixture.TrustingTransport()));

        await RecordAndFlushAsync(export, ingestion);

        Assert.All(ingestion.Authorizations, header => Assert.Equal(string.Empty, header));
    }

    private static async Task RecordAndFlushAsync(ExportHarness export, IngestionEndpoint ingestion)
    {
        using var own = new OwnTelemetry();
        own.MessagesConsumed("entra-" + Guid.NewGuid().ToString("N")[..8], 0, "OrderCreated", 1);
        export.Flush();
        Assert.True(
            await ingestion.WaitUntilAsync(e => e.Requests > 0, TimeSpan.FromSeconds(30)),
            "the exporter sent nothing to the https ingestion endpoint");
    }
}
