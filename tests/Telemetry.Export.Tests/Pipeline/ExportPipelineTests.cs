using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telemetry.Domain.Aggregation;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Configuration;
using Telemetry.Export.Tests.Aggregates;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Pipeline;

public sealed class ExportPipelineTests
{
    [Fact]
    public async Task Every_item_carries_the_configured_cloud_role_instance_and_version()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        await WriteAsync(export, KnownStream.Create(events: 20));
        export.Flush();

        var captured = endpoint.Metrics;
        Assert.NotEmpty(captured);
        Assert.All(captured, m =>
        {
            Assert.Equal("telemetry-functions-test", m.Tags["ai.cloud.role"]);
            Assert.Equal("test-instance-1", m.Tags["ai.cloud.roleInstance"]);
            Assert.Equal("9.8.7", m.Tags["ai.application.ver"]);
        });
    }

    [Fact]
    public async Task Without_a_connection_string_export_is_off_says_so_once_and_the_sink_accepts_without_sending()
    {
        await using var export = ExportHarness.Standalone(endpoint: null);
        await export.StartHostedServicesAsync();

        var stream = KnownStream.Create(events: 20);
        var writes = stream.Batches().Select(b => export.Sink.WriteAsync(b, CancellationToken.None)).ToList();
        export.Flush();

        Assert.False(export.Sink.IsEnabled);
        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        var said = export.Logs.Entries.Where(e => e.Message.Contains(ExportOptions.ConnectionStringKey, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(said);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("off", line.Message, StringComparison.Ordinal);
        // The Azure Monitor sink, and the publishers' sink beside it, which holds nothing with no publisher on.
        var sinks = export.Services.GetServices<IAggregateSink>().ToList();
        Assert.Same(export.Sink, Assert.Single(sinks.OfType<AzureMonitorAggregateSink>()));
        Assert.Equal(2, sinks.Count);
        Assert.Empty(export.Services.GetRequiredService<Telemetry.Export.Publishers.MetricPublishers>().Enabled);
    }

    [Fact]
    public async Task With_a_connection_string_the_start_log_names_the_endpoint_host_but_never_the_key()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        await export.StartHostedServicesAsync();

        var line = Assert.Single(export.Logs.Entries, e => e.Message.Contains("Azure Monitor export on", StringComparison.Ordinal));
        Assert.Contains(endpoint.BaseAddress.Authority, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.InstrumentationKey, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(export.Logs.Entries, e => e.Message.Contains(TestSecrets.InstrumentationKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_periodic_reader_sends_on_the_configured_interval_without_a_flush()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint, new Dictionary<string, string?> { ["Export:IntervalSeconds"] = "1" });
        _ = export.MeterProvider;
        var stream = KnownStream.Create(events: 30);
        await WriteAsync(export, stream);

        var arrived = await endpoint.WaitUntilAsync(
            e => stream.Expected.Keys.All(s => e.Metrics.Any(m => m.Name == AggregateMetricNames.NameOf(s.Name, s.Unit, AggregateStatistic.Count) && ExportAssert.HasDimensionsOf(m, s))),
            TimeSpan.FromSeconds(30));

        Assert.True(arrived, "the periodic reader did not send the aggregates");
        foreach (var (series, expected) in stream.Expected)
        {
            ExportAssert.MatchesCore(endpoint.Metrics, series, expected);
        }
    }

    [Fact]
    public async Task In_the_Functions_wiring_the_hosts_exporter_sends_our_aggregates_once_and_no_second_exporter_exists()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Functions(endpoint);
        var stream = KnownStream.Create(events: 60);
        await WriteAsync(export, stream);
        export.Flush();

        foreach (var (series, expected) in stream.Expected)
        {
            ExportAssert.MatchesCore(endpoint.Metrics, series, expected);
        }

        // One exporter, one reader: a second would have sent (or, sharing the snapshot, split) every point.
        var expectedPoints = stream.Expected.Keys.Sum(s => AggregateMetricNames.StatisticsOf(s.Name, s.Unit).Count);
        Assert.Equal(expectedPoints, endpoint.Metrics.Aggregates(stream.Expected.Keys).Count());
    }

    [Fact]
    public async Task No_key_password_or_connection_string_appears_in_any_exported_property_or_tag()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        await export.StartHostedServicesAsync();
        await WriteAsync(export, KnownStream.Create(events: 100));
        export.Flush();

        var captured = endpoint.Metrics;
        Assert.NotEmpty(captured);
        string[] secrets = [TestSecrets.InstrumentationKey, TestSecrets.SaslPassword, TestSecrets.StorageKey, endpoint.ConnectionString, "InstrumentationKey="];
        foreach (var metric in captured)
        {
            foreach (var value in metric.Properties.Keys.Concat(metric.Properties.Values).Concat(metric.Tags.Values))
            {
                Assert.DoesNotContain(secrets, s => value.Contains(s, StringComparison.OrdinalIgnoreCase));
            }

            // Besides the envelope's iKey (which the protocol requires), the key appears nowhere in the item.
            Assert.Equal(1, Occurrences(metric.Line, TestSecrets.InstrumentationKey));
            Assert.DoesNotContain(TestSecrets.SaslPassword, metric.Line, StringComparison.Ordinal);
            Assert.DoesNotContain(TestSecrets.StorageKey, metric.Line, StringComparison.Ordinal);
        }
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task WriteAsync(ExportHarness export, KnownStream stream)
    {
        foreach (var batch in stream.Batches())
        {
            await export.Sink.WriteAsync(batch, CancellationToken.None);
        }
    }
}
