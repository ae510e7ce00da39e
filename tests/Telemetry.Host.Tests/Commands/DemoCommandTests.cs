using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Host.Commands;
using Telemetry.Host.Demo;
using Telemetry.Host.Tests.Infrastructure;
using Telemetry.Ledger.LagSamples;
using Telemetry.Ledger.Queries;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Host.Tests.Commands;

/// <summary>
/// <c>demo</c> end to end, in-process: the embedded Kafka cluster, the ledger (the fixture's Azurite, so the test can
/// read it afterwards), mosquitto, the simulated worker pool and the three pollers. Everything is checked against what
/// was produced, independently of the consumer: the generator's plan (decoded in memory) and the pollers' publisher.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class DemoCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Events = 3000;
    private const int Partitions = 4;
    private const double Malformed = 0.01;

    [Fact]
    public async Task Demo_processes_everything_produced_into_the_ledger_answers_seed_004_and_runs_the_pollers()
    {
        var topic = "demo-" + Guid.NewGuid().ToString("N")[..8];
        var prefix = AzuriteFixture.NewTablePrefix();
        using var ingestion = new LoopbackIngestion();
        var exporterStorage = Directory.CreateTempSubdirectory("demo-export-");
        var overrides = new Dictionary<string, string?>
        {
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
            ["Ledger:TablePrefix"] = prefix,
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString,
            ["Export:IntervalSeconds"] = "1",
            ["Export:StorageDirectory"] = exporterStorage.FullName,
        };
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var exit = await DemoCommand.RunAsync(output, new DemoSettings(Events, 5000, Partitions, Malformed, topic, null), timeout.Token, overrides);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("Ledger: configured", text, StringComparison.Ordinal);
        Assert.Contains("MQTT poller: mosquitto (sys_interval 1) started", text, StringComparison.Ordinal);

        // Processed == produced, the produced total being the generator's records plus the pool poller's events.
        var summary = Regex.Match(text, @"Summary: (\d+) produced \((\d+) by the generator, (\d+) by the worker-pool poller\), (\d+) processed");
        Assert.True(summary.Success, text);
        var (produced, generated, published, processed) = (Long(summary, 1), Long(summary, 2), Long(summary, 3), Long(summary, 4));
        Assert.Equal(Events, generated);
        Assert.Equal(4, published);
        Assert.Equal(produced, processed);
        Assert.Equal(generated + published, produced);

        // The summary's events per family equal the plan, decoded in memory apart from the demo.
        var plan = new DemoGenerator(topic, Partitions, Events, 5000, Malformed);
        Assert.Equal(Events, plan.Expected.Values.Sum() + plan.ExpectedMalformed);
        foreach (var family in FamilyCounts.Families)
        {
            var line = Regex.Match(text, $@"^  {Regex.Escape(FamilyCounts.Name(family))} +(\d+) / +(\d+)$", RegexOptions.Multiline);
            Assert.True(line.Success, $"no summary line for {family}:\n{text}");
            Assert.Equal(plan.Expected[family], Long(line, 1));
            Assert.Equal(plan.Expected[family], Long(line, 2));
        }

        var malformed = Regex.Match(text, @"^  malformed +(\d+) / +(\d+) \(dead-lettered\)$", RegexOptions.Multiline);
        Assert.True(malformed.Success, text);
        Assert.Equal(plan.ExpectedMalformed, Long(malformed, 1));
        Assert.DoesNotContain("MISMATCH", text, StringComparison.Ordinal);

        // The ledger holds the same events per family, plus the pool poller's four Snakepit events.
        await using var ledger = LedgerServices(overrides);
        var queries = ledger.GetRequiredService<LedgerQueries>();
        var to = DateTimeOffset.UtcNow.AddMinutes(2);
        var rows = await queries.ReadMinuteAggregatesAsync(from, to, metric: null, CancellationToken.None);
        Assert.NotEmpty(rows);
        var inLedger = FamilyCounts.Of(rows);
        foreach (var family in FamilyCounts.Families)
        {
            Assert.Equal(plan.Expected[family] + (family == TelemetryFamily.Snakepit ? published : 0), inLedger.GetValueOrDefault(family));
        }

        // The report section: every question asked, each with an answer.
        Assert.Contains("Seed 004's questions, answered from the ledger by the report command:", text, StringComparison.Ordinal);
        var answers = Answers(text);
        Assert.Equal(DemoReport.Questions.Count, answers.Count);
        foreach (var (question, answer) in answers)
        {
            Assert.DoesNotContain("(none)", answer, StringComparison.Ordinal);
            Assert.Contains("--", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("exited with", answer, StringComparison.Ordinal);
            Assert.True(answer.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 4, $"{question}:\n{answer}");
        }

        // The pollers reached the ledger: lag samples of the demo's group, the pool's derived events as aggregates
        // and a notable event, the broker's state row.
        var group = Regex.Match(text, @"consuming as group (\S+)\.").Groups[1].Value;
        Assert.NotEmpty(group);
        var samples = await ledger.GetRequiredService<ILagSampleStore>().ReadLatestAsync(group, topic, 0, 5, CancellationToken.None);
        Assert.NotEmpty(samples);
        Assert.Contains(samples, s => s.Lag == 0);
        Assert.Contains($"lag of group {group}: status", text, StringComparison.Ordinal);

        foreach (var metric in new[] { "snakepit.worker.recycled.count", "snakepit.worker.started.count", "snakepit.pool.saturated.count", "snakepit.worker.health_check_failed.count" })
        {
            var pool = await queries.GetMetricAsync(
                new MetricQuery(metric, from, to) { Dimensions = new Dictionary<string, string> { ["pool"] = SimulatedWorkerPool.PoolName } }, CancellationToken.None);
            Assert.True(pool.Count == 1, $"{metric} of {SimulatedWorkerPool.PoolName}: {pool.Count}");
        }

        var health = await queries.GetNotableEventsAsync([NotableEventKind.HealthCheckFailed], from, to, CancellationToken.None);
        Assert.Contains(health, n => n.Reason == "worker_unhealthy" && n.Attributes.Any(a => a.Key == "pool" && a.Value == SimulatedWorkerPool.PoolName));

        var broker = Regex.Match(text, @"mosquitto \(sys_interval 1\) started at (\S+) ").Groups[1].Value;
        var state = new TableServiceClient(azurite.ConnectionString).GetTableClient(prefix + "PollerState");
        // Keyed with the ledger's key encoding, which leaves host:port as it is.
        var row = await state.GetEntityIfExistsAsync<TableEntity>("mqtt", broker);
        Assert.True(row.HasValue, $"no state row for broker {broker}");
        Assert.Contains("\"Healthy\":true", row.Value!.GetString("State"), StringComparison.OrdinalIgnoreCase);
        Assert.Matches($@"broker {Regex.Escape(broker)}: .*connections\.active 1", text);

        // The host exported our metrics, the pollers' gauges among them, to the configured ingestion endpoint.
        foreach (var metric in new[] { "kafka.eventbus.consumer.lag", "kafka.eventbus.consumer.lag.sum", "mqtt.broker.uptime", "snakepit.pool.workers", "kafka.eventbus.messages.consumed" })
        {
            Assert.True(ingestion.MetricNames.Contains(metric), $"{metric} not exported ({ingestion.Requests} requests, {ingestion.Errors} unreadable, last error {ingestion.LastError}); received: {string.Join(", ", ingestion.MetricNames.Order(StringComparer.Ordinal))}");
        }

        exporterStorage.Delete(recursive: true);
    }

    [Fact]
    public async Task Demo_without_a_ledger_starts_Azurite_itself_and_stops_it_by_pid()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var exit = await DemoCommand.RunAsync(output, new DemoSettings(1000, 5000, 2, Malformed, "demo-" + Guid.NewGuid().ToString("N")[..8], null), timeout.Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        var started = Regex.Match(text, @"Ledger: Azurite \(in memory\) started for this run at \S+ \(pid (\d+)\)");
        Assert.True(started.Success, text);
        var failed = Regex.Match(text, @"^failed-events: (\d+) from", RegexOptions.Multiline);
        Assert.True(failed.Success && Long(failed, 1) > 0, text);
        Assert.False(Directory.Exists($"/proc/{started.Groups[1].Value}"), "Azurite is still running after the demo");
    }

    private static long Long(Match match, int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    /// <summary>Each report command line of the output, with what it printed up to the next one or the pollers' section.</summary>
    private static List<(string Question, string Answer)> Answers(string text)
    {
        var start = text.IndexOf("Seed 004's questions", StringComparison.Ordinal);
        var end = text.IndexOf("Pollers' latest readings", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, text);
        var blocks = text[start..end].Split("$ Telemetry.Host report ", StringSplitOptions.None).Skip(1);
        return [.. blocks.Select(b => (b[..b.IndexOf('\n', StringComparison.Ordinal)], b))];
    }

    private static ServiceProvider LedgerServices(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTelemetryLedger();
        return services.BuildServiceProvider();
    }
}
