using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Aggregation;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Publishing;

namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>
/// The pollers wired exactly as the hosts wire them (<c>AddTelemetryPollers</c> over configuration), against a real
/// Azurite, with a fresh table prefix per test.
/// </summary>
internal sealed class PollerHost : IAsyncDisposable
{
    private PollerHost(ServiceProvider services, RecordingNotableEventSink notable)
    {
        Services = services;
        Notable = notable;
    }

    public ServiceProvider Services { get; }

    public RecordingNotableEventSink Notable { get; }

    public GaugeReadings Readings => Services.GetRequiredService<GaugeReadings>();

    public IPoller Poller(string name) => Services.GetRequiredKeyedService<IPoller>(name);

    public static PollerHost Create(AzuriteTables azurite, IDictionary<string, string?> settings, ITelemetryPublisher? publisher = null, string? tablePrefix = null)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Ledger:TablePrefix"] = tablePrefix ?? "t" + Guid.NewGuid().ToString("N")[..12],
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        var notable = new RecordingNotableEventSink();
        services.AddSingleton<INotableEventSink>(notable);
        if (publisher is not null)
        {
            services.AddSingleton(publisher);
        }

        services.AddTelemetryPollers();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<PollersOptions>>().Value;
        return new PollerHost(provider, notable);
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
