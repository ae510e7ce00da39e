using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Telemetry.Domain.Catalog;

/// <summary>
/// Every event of the five seed families, with its fields, units and metrics. <see cref="Default"/> is the
/// product's catalog; events not in it are aggregated generically (or rejected, per <c>Ingestion:UnknownEvents</c>).
/// </summary>
public sealed class TelemetryCatalog
{
    /// <summary>Our own ingestion metric: lateness of late events, per family.</summary>
    public const string LatenessMetricName = "telemetry.ingestion.lateness";

    private readonly FrozenDictionary<string, EventDefinition> _byName;
    private readonly FrozenDictionary<string, EventDefinition>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    internal TelemetryCatalog(ImmutableArray<EventDefinition> events, ImmutableArray<MetricDefinition> metrics, MetricDefinition lateness)
    {
        Events = events;
        Metrics = metrics;
        LatenessMetric = lateness;
        _byName = events.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);
        _bySpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static TelemetryCatalog Default { get; } = DefaultTelemetryCatalog.Build();

    public ImmutableArray<EventDefinition> Events { get; }

    /// <summary>Every metric the catalog's events feed, each once.</summary>
    public ImmutableArray<MetricDefinition> Metrics { get; }

    public MetricDefinition LatenessMetric { get; }

    public EventDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    internal bool TryFind(ReadOnlySpan<char> name, out EventDefinition definition) => _bySpan.TryGetValue(name, out definition!);
}
