using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Queries;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Publishing;
using Telemetry.Testing.Azurite;

namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>
/// The pollers wired as the hosts wire them (<c>AddTelemetryLedger</c> + <c>AddTelemetryPollers</c> over
/// configuration), against a real Azurite, with a fresh table prefix per test unless one is given.
/// </summary>
internal sealed class PollerHost : IAsyncDisposable
{
    private PollerHost(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public GaugeReadings Readings => Services.GetRequiredService<GaugeReadings>();

    public IPoller Poller(string name) => Services.GetRequiredKeyedService<IPoller>(name);

    public static PollerHost Create(AzuriteFixture azurite, IDictionary<string, string?> settings, ITelemetryPublisher? publisher = null, string? tablePrefix = null, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Ledger:TablePrefix"] = tablePrefix ?? AzuriteFixture.NewTablePrefix(),
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
            ["Ledger:MaxRetries"] = "1",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        if (publisher is not null)
        {
            services.AddSingleton(publisher);
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddTelemetryLedger();
        services.AddTelemetryPollers();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<PollersOptions>>().Value;
        return new PollerHost(provider);
    }

    /// <summary>Notable events of <paramref name="kind"/> the ledger holds for the last hour.</summary>
    public Task<IReadOnlyList<NotableEvent>> NotableAsync(NotableEventKind kind, DateTimeOffset? around = null)
    {
        var now = around ?? DateTimeOffset.UtcNow;
        return Services.GetRequiredService<LedgerQueries>().GetNotableEventsAsync([kind], now.AddHours(-1), now.AddMinutes(5), CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
