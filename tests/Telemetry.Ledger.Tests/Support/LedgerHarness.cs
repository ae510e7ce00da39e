using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.LagSamples;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Rollups;
using Telemetry.Ledger.Storage;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Ledger;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>
/// A ledger wired exactly as a host wires it (configuration section + AddTelemetryLedger), on a real Azurite,
/// with a table prefix of its own.
/// </summary>
internal sealed class LedgerHarness : IDisposable
{
    private readonly ServiceProvider _provider;

    public LedgerHarness(string connectionString, string? tablePrefix = null, IDictionary<string, string?>? settings = null)
    {
        TablePrefix = tablePrefix ?? AzuriteFixture.NewTablePrefix();
        var values = new Dictionary<string, string?>
        {
            ["Ledger:ConnectionString"] = connectionString,
            ["Ledger:TablePrefix"] = TablePrefix,
            ["Ledger:MaxRetries"] = "2",
            ["Ledger:RetryDelayMs"] = "50",
            ["Ledger:MaxRetryDelayMs"] = "200",
            ["Ledger:NetworkTimeoutSeconds"] = "10",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTelemetryLedger();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public string TablePrefix { get; }

    public IServiceProvider Services => _provider;

    public TableAggregateSink Sink => _provider.GetRequiredService<TableAggregateSink>();

    public INotableEventSink NotableSink => _provider.GetRequiredService<INotableEventSink>();

    public LedgerQueries Queries => _provider.GetRequiredService<LedgerQueries>();

    public LedgerRollup Rollup => _provider.GetRequiredService<LedgerRollup>();

    public ILagSampleStore LagSamples => _provider.GetRequiredService<ILagSampleStore>();

    public LedgerTables Tables => _provider.GetRequiredService<LedgerTables>();

    public static DateTimeOffset Everything => DateTimeOffset.UnixEpoch;

    public Task<LedgerComparison> CompareAsync(LedgerGroundTruth truth) =>
        truth.CompareWithLedgerAsync(Queries, DateTimeOffset.UnixEpoch, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _provider.Dispose();
}
