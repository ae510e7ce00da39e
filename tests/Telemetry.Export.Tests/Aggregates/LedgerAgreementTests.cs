using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Export.Tests.Ingestion;
using Telemetry.Ledger.Queries;
using Telemetry.Testing.Azurite;

namespace Telemetry.Export.Tests.Aggregates;

/// <summary>
/// Azure Monitor and the Table Storage ledger are two views of the same minutes: a workbook chart and a
/// <c>report</c> must never disagree. The same core output goes to both sinks, the way a host writes it.
/// </summary>
public sealed class LedgerAgreementTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_exported_statistic_equals_what_the_ledger_answers_for_the_same_series()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        using var ledger = Ledger(azurite.ConnectionString);
        // The ledger's sink as a host resolves it: the only IAggregateSink the ledger registers.
        var sink = Assert.Single(ledger.GetServices<IAggregateSink>());
        var topic = "agree-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var series = new HashSet<MetricSeries>();

        foreach (var finalised in CoreBatches.Sample(topic, start, seed: 31, eventsPerSecond: 15, batches: 2, batchSize: 150))
        {
            series.UnionWith(finalised.Aggregates.Select(a => a.Series));
            await sink.WriteAsync(finalised, CancellationToken.None);
            await export.Sink.WriteAsync(finalised, CancellationToken.None);
        }

        export.Flush();

        var queries = ledger.GetRequiredService<LedgerQueries>();
        var (from, to) = (start.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        Assert.True(series.Count > 20, $"only {series.Count} series: the sample should cover every family");
        var checkedSeries = 0;
        foreach (var metric in series.GroupBy(s => s.Name))
        {
            var stored = await queries.GetMetricBySeriesAsync(new MetricQuery(metric.Key, from, to), CancellationToken.None);
            foreach (var one in metric)
            {
                var answer = Assert.Single(stored, s => SameDimensions(s.Dimensions, one.Dimensions));
                Assert.True(answer.Count > 0, $"the ledger has no data for {one}");
                ExportAssert.MatchesCore(endpoint.Metrics, one, answer.Distribution);
                checkedSeries++;
            }
        }

        Assert.Equal(series.Count, checkedSeries);
    }

    private static bool SameDimensions(IReadOnlyList<KeyValuePair<string, string>> a, IReadOnlyList<KeyValuePair<string, string>> b) =>
        a.Count == b.Count && a.All(d => b.Contains(d));

    private static ServiceProvider Ledger(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:ConnectionString"] = connectionString,
            ["Ledger:TablePrefix"] = AzuriteFixture.NewTablePrefix(),
        }).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTelemetryLedger()
            .BuildServiceProvider();
    }
}
