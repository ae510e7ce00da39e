using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Export.Tests.Aggregates;
using Telemetry.Export.Tests.Ingestion;
using Telemetry.Testing.Time;

namespace Telemetry.Export.Tests.Pipeline;

[Collection(OwnMeterCollection.Name)]
public sealed class OwnMetricsExportTests
{
    [Fact]
    public async Task Every_seed_001_and_Kafee_instrument_arrives_under_its_exact_name_with_exactly_its_attribute_keys()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        using var own = new OwnTelemetry();
        // A topic and group of this test only: other tests' instruments share the meter name in this process.
        var topic = "own-" + Guid.NewGuid().ToString("N")[..8];
        var group = "group-" + topic;
        var batch = new KafeeBatchTags(topic, 3, group, AckStrategy.AllOrNothing);

        own.MessagesConsumed(topic, 3, "OrderCreated", 5);
        own.Handled(group, "OrderCreated", [MessageOutcome.Succeeded], TimeSpan.FromMilliseconds(12.5));
        own.Handled(group, "OrderCreated", [MessageOutcome.Failed("TimeoutError")], TimeSpan.FromMilliseconds(40));
        own.Published(topic, "OrderCreated", 7, TimeSpan.FromMilliseconds(3));
        own.PublishFailed(topic, "OrderCreated", "KafkaException");
        own.ConnectionFailed("Broker_" + topic);
        own.Reconnecting();
        own.Rebalanced(group);
        own.BatchStarted(batch);
        var activity = own.BatchProcessStarted(batch, 5);
        own.BatchProcessEnded(batch, 5, 0, TimeSpan.FromMilliseconds(30), activity);
        own.BatchProcessFailed(batch, "TimeoutError", TimeSpan.FromMilliseconds(31));
        own.MessageRetried(batch);
        own.DeadLettered(batch, DeadLetterReason.MaxRetriesExceeded, "Validation_" + topic);
        own.DeadLetterFailed(batch, "dlq_write_failed");
        using var lag = own.RegisterConsumerLag(() => [new ConsumerLagObservation(topic, 3, group, 42)]);
        using var connected = own.RegisterConnectionState(() => [new ConnectionStateObservation(group, true)]);

        export.Flush();

        var captured = endpoint.Metrics;
        // The pollers' gauges are created by Telemetry.Pollers, on the same meter, and tested there.
        foreach (var metric in OwnMetricCatalog.All.Where(m => m.Component == OwnMetricComponent.Core))
        {
            var points = captured.Where(m => m.Name == metric.Name).ToList();
            Assert.True(points.Count > 0, $"{metric.Name} was not exported");
            Assert.Contains(points, p => p.Properties.Keys.Order(StringComparer.Ordinal).SequenceEqual(metric.AttributeKeys.Order(StringComparer.Ordinal)));
        }

        var handler = Assert.Single(captured, m => m.Name == OwnMetricCatalog.HandlerDuration && m.Properties.GetValueOrDefault("handler.name") == group);
        Assert.Equal(2, handler.Count);
        Assert.Equal(12.5, handler.Min);
        Assert.Equal(40, handler.Max);
        Assert.Equal(52.5, handler.Value);
        var consumed = Assert.Single(captured, m => m.Name == OwnMetricCatalog.MessagesConsumed && m.Properties.GetValueOrDefault("messaging.destination") == topic);
        Assert.Equal(5, consumed.Value);
        Assert.Equal("3", consumed.Properties["messaging.kafka.partition"]);
        Assert.Contains(captured, m => m.Name == OwnMetricCatalog.ConsumerLag && m.Value == 42 && m.Properties["messaging.destination"] == topic);
        Assert.Contains(captured, m => m.Name == OwnMetricCatalog.KafeeBatchDlqSent && m.Properties["kafee.ack_strategy"] == "all_or_nothing" && m.Properties["messaging.destination"] == topic);
    }

    [Fact]
    public async Task Our_own_latency_histograms_also_get_exact_per_minute_quantiles()
    {
        var minute = new DateTimeOffset(2026, 11, 23, 9, 15, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(minute.AddSeconds(5));
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint, time: clock);
        await export.StartHostedServicesAsync();
        using var own = new OwnTelemetry();
        var handler = "handler-" + Guid.NewGuid().ToString("N")[..8];
        var expected = new Distribution();
        foreach (var ms in new[] { 3.25, 17.5, 120.125, 4.0, 980.5 })
        {
            own.Handled(handler, "OrderCreated", [MessageOutcome.Succeeded], TimeSpan.FromMilliseconds(ms));
            expected.Record(TimeSpan.FromMilliseconds(ms).TotalMilliseconds);
        }

        clock.Now = minute.AddMinutes(2);
        export.Flush();

        var series = new MetricSeries(OwnMetricCatalog.HandlerDuration, "ms", [new("handler.name", handler), new("event.type", "OrderCreated")]);
        ExportAssert.MatchesCore(endpoint.Metrics, series, expected, ingested: false);
        Assert.Contains(endpoint.Metrics, m => m.Name == OwnMetricCatalog.HandlerDuration + ".p95" && m.Properties["handler.name"] == handler);
    }
}
