using Telemetry.Domain.Catalog;
using Xunit;

namespace Telemetry.Domain.Tests.Catalog;

public sealed class TelemetryCatalogTests
{
    private static readonly string[] SeedEvents =
    [
        "kafee.consume", "kafee.consume_batch", "kafee.batch.started", "kafee.batch.accumulated", "kafee.batch.process_start",
        "kafee.batch.process_end", "kafee.batch.process_error", "kafee.batch.message_retry", "kafee.batch.dlq_sent",
        "kafee.batch.dlq_error", "kafee.queue",
        "kafka.eventbus.message.published", "kafka.eventbus.message.consumed", "kafka.eventbus.handler.invoked",
        "kafka.eventbus.handler.failed", "kafka.eventbus.publish.failed", "kafka.eventbus.message.dlq",
        "kafka.eventbus.connection.error", "kafka.eventbus.reconnection", "kafka.eventbus.rebalance",
        "emqtt.websocket.recv_data", "emqtt.socket.recv_data", "emqtt.socket.send_data", "emqtt.socket.send_data_failed",
        "snakepit.worker.recycled", "snakepit.worker.health_check_failed", "snakepit.worker.started", "snakepit.worker.crash",
        "snakepit.worker.tainted", "snakepit.worker.restarted", "snakepit.zero_copy.export", "snakepit.zero_copy.import",
        "snakepit.zero_copy.fallback", "snakepit.python.exception.mapped", "snakepit.python.exception.unmapped",
        "snakepit.pool.saturated", "snakepit.request.executed",
        "event_pipeline.event.execution", "event_pipeline.network.operation",
    ];

    // Seed 001's metric table: name, unit (as UCUM), attribute keys.
    public static TheoryData<string, string, string[]> Seed001Metrics() => new()
    {
        { "kafka.eventbus.messages.published", "{message}", ["event.type", "messaging.destination", "messaging.system"] },
        { "kafka.eventbus.messages.consumed", "{message}", ["event.type", "messaging.destination", "messaging.kafka.partition", "messaging.system"] },
        { "kafka.eventbus.handler.invocations", "{invocation}", ["event.type", "handler.name"] },
        { "kafka.eventbus.handler.errors", "{error}", ["error.type", "event.type", "handler.name"] },
        { "kafka.eventbus.messages.dlq", "{message}", ["dlq.reason", "error.type"] },
        { "kafka.eventbus.connection.errors", "{error}", ["error.type"] },
        { "kafka.eventbus.reconnections", "{reconnection}", [] },
        { "kafka.eventbus.rebalances", "{rebalance}", ["messaging.kafka.consumer_group"] },
        { "kafka.eventbus.publish.errors", "{error}", ["error.type", "event.type", "messaging.destination", "messaging.system"] },
        { "kafka.eventbus.publish.duration", "ms", ["messaging.destination"] },
        { "kafka.eventbus.consume.duration", "ms", ["messaging.destination"] },
        { "kafka.eventbus.handler.duration", "ms", ["event.type", "handler.name"] },
        { "kafka.eventbus.batch.size", "{message}", [] },
    };

    [Fact]
    public void Catalog_holds_exactly_the_seed_events()
    {
        Assert.Equal(SeedEvents.Order(StringComparer.Ordinal), TelemetryCatalog.Default.Events.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Seed001Metrics))]
    public void Event_bus_signals_map_onto_the_seed_001_metric_names_units_and_attributes(string name, string unit, string[] keys)
    {
        var metric = TelemetryCatalog.Default.Metrics.Single(m => m.Name == name);
        Assert.Equal(unit, metric.Unit);
        Assert.Equal(keys, metric.DimensionKeys);
    }

    [Fact]
    public void Every_dimension_is_on_its_family_allow_list_and_no_identifier_is()
    {
        string[] forbidden = ["offset", "pid", "worker_id", "client_id", "data", "shape", "trace_id", "request_id", "task_id", "port", "error", "function"];
        foreach (var e in TelemetryCatalog.Default.Events)
        {
            var allowed = FamilyDimensions.For(e.Family).Values.ToHashSet();
            Assert.All(e.DimensionKeys, k => Assert.Contains(k, allowed));
            Assert.All(e.DimensionKeys, k => Assert.DoesNotContain(k, forbidden));
        }

        Assert.All(Enum.GetValues<TelemetryFamily>(), f => Assert.DoesNotContain(FamilyDimensions.For(f).Keys, k => forbidden.Contains(k)));
    }

    [Fact]
    public void Payload_fields_are_marked_so_and_never_read()
    {
        var payloads = TelemetryCatalog.Default.Events.SelectMany(e => e.Fields.Where(f => (f.Use & FieldUse.Payload) != 0).Select(f => (e.Name, f.Name))).ToList();
        Assert.Contains(("emqtt.socket.recv_data", "data"), payloads);
        Assert.Contains(("emqtt.socket.send_data", "pid"), payloads);
        Assert.Contains(("snakepit.zero_copy.export", "shape"), payloads);
        Assert.All(TelemetryCatalog.Default.Events.SelectMany(e => e.Fields).Where(f => (f.Use & FieldUse.Payload) != 0), f => Assert.Equal(FieldType.Any, f.Type));
    }

    [Fact]
    public void Metric_names_follow_the_naming_rule()
    {
        var metrics = TelemetryCatalog.Default.Metrics.Select(m => m.Name).ToHashSet();
        Assert.Contains("kafee.batch.process_end.count", metrics);
        Assert.Contains("kafee.batch.process_end.duration", metrics);
        Assert.Contains("snakepit.request.executed.duration", metrics);
        Assert.Contains("snakepit.worker.started.startup_time", metrics);
        Assert.Contains("snakepit.worker.tainted.duration", metrics);
        Assert.Contains("emqtt.socket.send_data.data_size", metrics);
        Assert.Contains("kafee.queue.depth", metrics);
        Assert.All(TelemetryCatalog.Default.Metrics, m => Assert.Matches("^[a-z0-9_]+(\\.[a-z0-9_]+)+$", m.Name));
        Assert.All(TelemetryCatalog.Default.Metrics.Where(m => m.Name.EndsWith(".duration", StringComparison.Ordinal)), m => Assert.Equal("ms", m.Unit));
        Assert.All(TelemetryCatalog.Default.Events.Where(e => !e.Name.StartsWith("kafka.", StringComparison.Ordinal)), e => Assert.Equal("{event}", e.CountMetric.Unit));
    }

    [Fact]
    public void Durations_are_milliseconds_and_sizes_bytes()
    {
        foreach (var field in TelemetryCatalog.Default.Events.SelectMany(e => e.Fields).Where(f => f.Metric is not null))
        {
            var expected = field.Unit switch
            {
                MeasurementUnit.Bytes => "By",
                MeasurementUnit.Dimensionless => field.Metric!.Unit,
                _ => "ms",
            };
            Assert.Equal(expected, field.Metric!.Unit);
        }
    }
}
