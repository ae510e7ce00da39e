using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Telemetry.Domain.Diagnostics;
using Xunit;

namespace Telemetry.Domain.Tests.Diagnostics;

public sealed partial class OwnMetricCatalogTests
{
    // Seed 001's metric table, name → (unit word, kind, attributes), copied from the seed by hand on purpose:
    // the catalog must match the seed, not itself.
    private static readonly (string Name, string Unit, OwnInstrumentKind Kind, string[] Keys)[] Seed001 =
    [
        ("kafka.eventbus.messages.published", "messages", OwnInstrumentKind.Counter, ["messaging.system", "messaging.destination", "event.type"]),
        ("kafka.eventbus.messages.consumed", "messages", OwnInstrumentKind.Counter, ["messaging.system", "messaging.destination", "messaging.kafka.partition", "event.type"]),
        ("kafka.eventbus.handler.invocations", "invocations", OwnInstrumentKind.Counter, ["handler.name", "event.type"]),
        ("kafka.eventbus.handler.errors", "errors", OwnInstrumentKind.Counter, ["handler.name", "event.type", "error.type"]),
        ("kafka.eventbus.messages.dlq", "messages", OwnInstrumentKind.Counter, ["dlq.reason", "error.type"]),
        ("kafka.eventbus.connection.errors", "errors", OwnInstrumentKind.Counter, ["error.type"]),
        ("kafka.eventbus.reconnections", "reconnections", OwnInstrumentKind.Counter, []),
        ("kafka.eventbus.rebalances", "rebalances", OwnInstrumentKind.Counter, ["messaging.kafka.consumer_group"]),
        ("kafka.eventbus.publish.errors", "errors", OwnInstrumentKind.Counter, ["messaging.system", "messaging.destination", "event.type", "error.type"]),
        ("kafka.eventbus.publish.duration", "ms", OwnInstrumentKind.Histogram, ["messaging.destination"]),
        ("kafka.eventbus.consume.duration", "ms", OwnInstrumentKind.Histogram, ["messaging.destination"]),
        ("kafka.eventbus.handler.duration", "ms", OwnInstrumentKind.Histogram, ["handler.name", "event.type"]),
        ("kafka.eventbus.batch.size", "messages", OwnInstrumentKind.Histogram, []),
        ("kafka.eventbus.connections.active", "connections", OwnInstrumentKind.ObservableGauge, ["messaging.kafka.consumer_group"]),
        ("kafka.eventbus.consumer.lag", "messages", OwnInstrumentKind.ObservableGauge, ["messaging.kafka.partition", "messaging.kafka.consumer_group", "messaging.destination"]),
    ];

    [Fact]
    public void Every_seed_001_metric_is_in_the_catalog_with_its_kind_keys_and_the_UCUM_form_of_its_unit()
    {
        foreach (var (name, unit, kind, keys) in Seed001)
        {
            var metric = OwnMetricCatalog.Get(name);
            var ucum = unit == "ms" ? "ms" : "{" + unit.TrimEnd('s') + "}";
            Assert.Equal((ucum, kind), (metric.Unit, metric.Kind));
            Assert.Equal(keys, metric.AttributeKeys);
        }
    }

    [Fact]
    public void The_catalog_holds_exactly_seed_001_and_the_kafee_batch_lifecycle_counters()
    {
        string[] kafee = ["started", "process_start", "process_end", "process_error", "message_retry", "dlq_sent", "dlq_error"];
        var expected = Seed001.Select(m => m.Name).Concat(kafee.Select(e => "kafee.batch." + e)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, Core.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(OwnMetricCatalog.All.Where(m => m.Name.StartsWith("kafee.", StringComparison.Ordinal)), m =>
        {
            Assert.Equal(OwnInstrumentKind.Counter, m.Kind);
            Assert.Equal(["messaging.destination", "messaging.kafka.partition", "messaging.kafka.consumer_group", "kafee.ack_strategy"], m.AttributeKeys.Take(4));
        });
    }

    [Fact]
    public void Names_are_lowercase_dotted_units_are_UCUM_and_every_metric_is_described()
    {
        Assert.All(OwnMetricCatalog.All, m =>
        {
            Assert.Matches(NamePattern(), m.Name);
            Assert.Matches(UnitPattern(), m.Unit);
            Assert.False(string.IsNullOrWhiteSpace(m.Description));
            Assert.Equal(m.AttributeKeys.Count, m.AttributeKeys.Distinct().Count());
        });
        Assert.Throws<KeyNotFoundException>(() => OwnMetricCatalog.Get("kafka.eventbus.nope"));
    }

    [Fact]
    public void Each_catalog_metric_is_created_once_with_exactly_its_name_unit_kind_and_description()
    {
        using var telemetry = new OwnTelemetry();
        using var listener = new OwnTelemetryListener(telemetry);

        Assert.Equal(Core.Count(), listener.Instruments.Count);
        foreach (var metric in Core)
        {
            var instrument = Assert.Single(listener.Instruments, i => i.Name == metric.Name);
            Assert.Equal((metric.Unit, metric.Description), (instrument.Unit, instrument.Description));
            Assert.Equal(metric.Kind, KindOf(instrument));
        }

        Assert.Equal(OwnMetricCatalog.MeterName, telemetry.Meter.Name);
        Assert.Equal("Telemetry.Functions", telemetry.ActivitySource.Name);
    }

    [Fact]
    public void Names_are_unique_and_the_pollers_metrics_are_theirs_to_create()
    {
        Assert.Equal(OwnMetricCatalog.All.Count, OwnMetricCatalog.All.Select(m => m.Name).Distinct().Count());
        Assert.All(OwnMetricCatalog.All.Where(m => m.Component == OwnMetricComponent.Pollers), m =>
            Assert.True(m.Name.StartsWith("mqtt.broker.", StringComparison.Ordinal) || m.Name.StartsWith("snakepit.pool.", StringComparison.Ordinal) || m.Name.StartsWith(OwnMetricCatalog.ConsumerLag + ".", StringComparison.Ordinal), m.Name));
    }

    private static IEnumerable<OwnMetric> Core => OwnMetricCatalog.All.Where(m => m.Component == OwnMetricComponent.Core);

    private static OwnInstrumentKind KindOf(Instrument instrument) => instrument switch
    {
        Counter<long> => OwnInstrumentKind.Counter,
        Histogram<long> or Histogram<double> => OwnInstrumentKind.Histogram,
        ObservableGauge<long> => OwnInstrumentKind.ObservableGauge,
        _ => throw new InvalidOperationException($"{instrument.Name} is a {instrument.GetType().Name}"),
    };

    [GeneratedRegex(@"^[a-z]+(\.[a-z_]+)+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(ms|s|By|\{[a-z]+\})(/s)?$")]
    private static partial Regex UnitPattern();
}
