using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.DevServices.Network;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Export.Publishers;
using Telemetry.Export.Tests.Aggregates;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Publishers;

/// <summary>
/// OTLP beside Azure Monitor (and Prometheus), configured only by the standard <c>OTEL_*</c> variables, against a real
/// OTLP/HTTP receiver on loopback: every publisher gets our metrics and every minute aggregate, and a stuck or dead
/// OTLP endpoint slows neither Azure Monitor nor the recording calls processing makes.
/// </summary>
[Collection(PublisherCollection.Name)]
public sealed class OtlpPublisherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Azure_Monitor_OTLP_and_Prometheus_on_at_once_each_get_our_metrics_and_every_aggregate()
    {
        await using var all = await AllPublishers.StartAsync();
        var (azure, otlp, prometheusPort, export) = (all.Azure, all.Otlp, all.PrometheusPort, all.Export);
        var destination = "otlp-" + Guid.NewGuid().ToString("N")[..8];
        using var meter = new Meter(OwnMetricCatalog.MeterName);
        meter.CreateCounter<long>(OwnMetricCatalog.MessagesPublished).Add(7, new KeyValuePair<string, object?>(OwnAttributeKeys.MessagingDestination, destination));
        var stream = KnownStream.Create();
        await WriteToEverySinkAsync(export, stream);

        export.Flush();
        var count = KnownStream.EventCount("gpu");
        var received = await otlp.WaitUntilAsync(
            r => r.Points.Any(p => p.Name == "ingested." + count.Name && p.Attributes.GetValueOrDefault("pool") == "gpu")
                && r.Points.Any(p => p.Name == OwnMetricCatalog.MessagesPublished && p.Attributes.GetValueOrDefault(OwnAttributeKeys.MessagingDestination) == destination),
            Patience);
        Assert.True(received, $"OTLP got {otlp.Requests} requests: {string.Join(", ", otlp.Points.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal))}");

        // The same numbers everywhere: the core's count for the series, our counter's 7.
        var expected = stream.Expected[count].Count;
        Assert.Contains(azure.Metrics, m => m.Name == count.Name && m.Properties.GetValueOrDefault("pool") == "gpu" && m.Value == expected);
        Assert.Contains(otlp.Points, p => p.Name == "ingested." + count.Name && p.Attributes["pool"] == "gpu" && p.Value == expected && p.Scope.EndsWith(".Otlp", StringComparison.Ordinal));
        Assert.Contains(otlp.Points, p => p.Name == OwnMetricCatalog.MessagesPublished && p.Kind == "sum" && p.Value == 7
            && p.Attributes[OwnAttributeKeys.MessagingDestination] == destination);
        var duration = KnownStream.Duration("default", "ok");
        Assert.Contains(otlp.Points, p => p.Name == "ingested." + duration.Name + ".p95" && p.Value == stream.Expected[duration].Quantile(0.95));

        using var http = new HttpClient();
        var scrape = await http.GetStringAsync(new Uri($"http://localhost:{prometheusPort}/metrics"));
        Assert.Contains($"ingested_snakepit_request_executed_count{{otel_scope_name=\"{export.AggregatesMeterName}.Prometheus\",pool=\"gpu\"}} {expected}", scrape, StringComparison.Ordinal);
        Assert.Matches($@"kafka_eventbus_messages_published_total\{{[^}}]*messaging_destination=""{destination}""[^}}]*\}} 7", scrape);
    }

    /// <summary>
    /// Family 001's ingested metrics share our own names, so Azure Monitor gets them as <c>ingested.kafka.eventbus.*</c>
    /// (docs/azure-monitor.md's naming contract). OTLP and Prometheus put <c>ingested.</c> before every aggregate, so
    /// they must get the very same names, once prefixed: never <c>ingested.ingested.</c>.
    /// </summary>
    [Fact]
    public async Task Ingested_family_001_metrics_take_the_ingested_prefix_once_in_Azure_Monitor_OTLP_and_Prometheus()
    {
        await using var all = await AllPublishers.StartAsync();
        var (azure, otlp, prometheusPort, export) = (all.Azure, all.Otlp, all.PrometheusPort, all.Export);
        var handler = "h-" + Guid.NewGuid().ToString("N")[..8];
        var duration = new MetricSeries("kafka.eventbus.handler.duration", "ms", [new("handler.name", handler)]);
        var consumed = new MetricSeries("kafka.eventbus.messages.consumed", "{message}", [new("messaging.destination", handler)]);
        var durations = new Distribution();
        var records = new List<(long, MinuteAggregate)>();
        for (var i = 0; i < 20; i++)
        {
            var one = new Distribution();
            one.Record(10 + i);
            durations.Record(10 + i);
            var count = new Distribution();
            count.Record(1);
            records.Add((i, new MinuteAggregate(duration, KnownStream.Minute, one)));
            records.Add((i, new MinuteAggregate(consumed, KnownStream.Minute, count)));
        }

        var batch = new TestBatch("family-001-" + handler, 0, -1, records);
        foreach (var sink in export.Services.GetServices<IAggregateSink>())
        {
            await sink.WriteAsync(batch, CancellationToken.None);
        }

        export.Flush();
        var p95 = durations.Quantile(0.95);
        Assert.Contains(azure.Metrics, m => m.Name == "ingested.kafka.eventbus.handler.duration.p95" && m.Properties.GetValueOrDefault("handler.name") == handler && m.Value == p95);
        Assert.Contains(azure.Metrics, m => m.Name == "ingested.kafka.eventbus.messages.consumed" && m.Properties.GetValueOrDefault("messaging.destination") == handler && m.Value == 20);

        var received = await otlp.WaitUntilAsync(
            r => r.Points.Any(p => p.Name == "ingested.kafka.eventbus.handler.duration.p95" && p.Attributes.GetValueOrDefault("handler.name") == handler)
                && r.Points.Any(p => p.Name == "ingested.kafka.eventbus.messages.consumed" && p.Attributes.GetValueOrDefault("messaging.destination") == handler),
            Patience);
        Assert.True(received, $"OTLP got {otlp.Requests} requests: {string.Join(", ", otlp.Points.Select(p => p.Name).Distinct().Order(StringComparer.Ordinal))}");
        Assert.Contains(otlp.Points, p => p.Name == "ingested.kafka.eventbus.handler.duration.p95" && p.Value == p95);
        Assert.Contains(otlp.Points, p => p.Name == "ingested.kafka.eventbus.messages.consumed" && p.Value == 20);
        Assert.DoesNotContain(otlp.Points, p => p.Name.StartsWith("ingested.ingested.", StringComparison.Ordinal));

        using var http = new HttpClient();
        var scrape = await http.GetStringAsync(new Uri($"http://localhost:{prometheusPort}/metrics"));
        Assert.Contains($"ingested_kafka_eventbus_handler_duration_p95{{otel_scope_name=\"{export.AggregatesMeterName}.Prometheus\",handler_name=\"{handler}\"}} {p95.ToString(System.Globalization.CultureInfo.InvariantCulture)}", scrape, StringComparison.Ordinal);
        Assert.Contains($"ingested_kafka_eventbus_messages_consumed{{otel_scope_name=\"{export.AggregatesMeterName}.Prometheus\",messaging_destination=\"{handler}\"}} 20", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("ingested_ingested_", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hung_OTLP_endpoint_slows_neither_Azure_Monitor_nor_recording()
    {
        await using var azure = await IngestionEndpoint.StartAsync();
        await using var otlp = await OtlpReceiver.StartAsync();
        otlp.Hang = true;
        await using var export = ExportHarness.Standalone(azure, Otlp(otlp.BaseAddress.ToString()));
        await export.StartHostedServicesAsync();
        Assert.True(await otlp.WaitUntilAsync(r => r.Requests >= 1, Patience), "the OTLP exporter never reached the receiver");

        // The OTLP export now hangs on its own thread; processing's writes and Azure Monitor's export go on.
        var stream = KnownStream.Create();
        var writes = await WriteToEverySinkAsync(export, stream);
        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully, "a sink write waited for an exporter"));
        export.Flush();
        var count = KnownStream.EventCount("gpu");
        Assert.Contains(azure.Metrics, m => m.Name == count.Name && m.Value == stream.Expected[count].Count);
        Assert.Empty(otlp.Points);
    }

    [Fact]
    public async Task A_dead_OTLP_endpoint_slows_neither_Azure_Monitor_nor_recording()
    {
        await using var azure = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(azure, Otlp($"http://127.0.0.1:{LoopbackPort.Free()}"));
        await export.StartHostedServicesAsync();

        var stream = KnownStream.Create();
        var writes = await WriteToEverySinkAsync(export, stream);
        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully, "a sink write waited for an exporter"));
        export.Flush();
        var count = KnownStream.EventCount("gpu");
        Assert.Contains(azure.Metrics, m => m.Name == count.Name && m.Value == stream.Expected[count].Count);
        await StopHostedServicesAsync(export);
    }

    [Theory]
    [InlineData(OtlpPublisherOptions.EndpointKey, "collector:4318", OtlpPublisherOptions.EndpointKey)]
    [InlineData(OtlpPublisherOptions.ProtocolKey, "http/json", OtlpPublisherOptions.ProtocolKey)]
    [InlineData(OtlpPublisherOptions.IntervalKey, "soon", OtlpPublisherOptions.IntervalKey)]
    [InlineData("Prometheus:Port", "70000", "Prometheus:Port")]
    [InlineData("Prometheus:Path", "metrics", "Prometheus:Path")]
    [InlineData("Prometheus:Host", "not a host", "Prometheus:Host")]
    public async Task A_bad_publisher_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        await using var export = ExportHarness.Standalone(null, new Dictionary<string, string?> { [key] = value });

        var failure = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = export.Services.GetRequiredService<IOptions<OtlpPublisherOptions>>().Value;
            _ = export.Services.GetRequiredService<IOptions<PrometheusOptions>>().Value;
        });

        Assert.Contains(failure.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_settings_neither_OTLP_nor_Prometheus_is_on()
    {
        await using var export = ExportHarness.Standalone(null);
        await export.StartHostedServicesAsync();

        var publishers = export.Services.GetRequiredService<MetricPublishers>();
        Assert.Empty(publishers.Enabled);
    }

    private static Dictionary<string, string?> Otlp(string endpoint, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [OtlpPublisherOptions.EndpointKey] = endpoint,
            [OtlpPublisherOptions.ProtocolKey] = "http/protobuf",
            [OtlpPublisherOptions.IntervalKey] = "200",
            [OtlpPublisherOptions.TimeoutKey] = "2000",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<List<Task>> WriteToEverySinkAsync(ExportHarness export, KnownStream stream)
    {
        var writes = new List<Task>();
        foreach (var batch in stream.Batches())
        {
            foreach (var sink in export.Services.GetServices<IAggregateSink>())
            {
                var write = sink.WriteAsync(batch, CancellationToken.None);
                writes.Add(write);
                await write;
            }
        }

        return writes;
    }

    private static async Task StopHostedServicesAsync(ExportHarness export)
    {
        foreach (var hosted in export.Services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Azure Monitor, OTLP and the Prometheus endpoint on at once, each with a loopback receiver of its own.</summary>
    private sealed class AllPublishers : IAsyncDisposable
    {
        private AllPublishers(IngestionEndpoint azure, OtlpReceiver otlp, int prometheusPort, ExportHarness export) =>
            (Azure, Otlp, PrometheusPort, Export) = (azure, otlp, prometheusPort, export);

        public IngestionEndpoint Azure { get; }

        public OtlpReceiver Otlp { get; }

        public int PrometheusPort { get; }

        public ExportHarness Export { get; }

        public static async Task<AllPublishers> StartAsync()
        {
            var azure = await IngestionEndpoint.StartAsync();
            var otlp = await OtlpReceiver.StartAsync();
            var prometheusPort = LoopbackPort.Free();
            var export = ExportHarness.Standalone(azure, OtlpPublisherTests.Otlp(otlp.BaseAddress.ToString(), new()
            {
                ["Prometheus:Port"] = prometheusPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
            await export.StartHostedServicesAsync();
            return new AllPublishers(azure, otlp, prometheusPort, export);
        }

        public async ValueTask DisposeAsync()
        {
            await Export.DisposeAsync();
            await Otlp.DisposeAsync();
            await Azure.DisposeAsync();
        }
    }
}
