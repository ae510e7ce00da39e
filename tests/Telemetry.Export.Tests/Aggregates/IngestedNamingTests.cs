using Telemetry.Domain.Catalog;
using Telemetry.Domain.Diagnostics;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Tests.Ingestion;
using Telemetry.Export.Tests.Pipeline;

namespace Telemetry.Export.Tests.Aggregates;

/// <summary>The naming contract: no name in Azure Monitor carries both our own pipeline's health and the monitored systems' telemetry.</summary>
public sealed class IngestedNamingTests
{
    private static IEnumerable<string> OwnExportedNames() =>
        OwnMetricCatalog.All.SelectMany(m => m.Kind == OwnInstrumentKind.Histogram && m.Unit == "ms"
            ? [m.Name, m.Name + ".p50", m.Name + ".p95", m.Name + ".p99"]
            : new[] { m.Name });

    private static IEnumerable<string> IngestedExportedNames() =>
        TelemetryCatalog.Default.Events
            .SelectMany(e => e.Fields.Where(f => f.Metric is not null).Select(f => f.Metric!).Append(e.CountMetric))
            .SelectMany(m => AggregateMetricNames.ExportedNames(IngestedMetricNames.ExportName(m.Name), m.Unit));

    [Fact]
    public void No_ingested_metric_of_the_catalog_is_exported_under_a_name_of_ours()
    {
        var own = OwnExportedNames().ToHashSet(StringComparer.Ordinal);
        var ingested = IngestedExportedNames().ToList();

        Assert.Contains("ingested.kafka.eventbus.handler.duration.p99", ingested);
        Assert.Contains("ingested.kafka.eventbus.rebalances", ingested);
        Assert.Contains("snakepit.request.executed.duration.p95", ingested);
        Assert.DoesNotContain(ingested, own.Contains);
        Assert.DoesNotContain(ingested, n => IngestedMetricNames.ReservedPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_reserved_prefixes_are_exactly_those_of_our_seed_001_instruments()
    {
        Assert.All(OwnMetricCatalog.All.Where(m => m.Component == OwnMetricComponent.Core && m.Name.StartsWith("kafka.", StringComparison.Ordinal)),
            m => Assert.StartsWith(IngestedMetricNames.ReservedPrefixes[0], m.Name, StringComparison.Ordinal));
        Assert.Equal("ingested.kafka.eventbus.messages.consumed", IngestedMetricNames.ExportName("kafka.eventbus.messages.consumed"));
        Assert.Equal("kafee.batch.process_end.duration", IngestedMetricNames.ExportName("kafee.batch.process_end.duration"));
    }
}
