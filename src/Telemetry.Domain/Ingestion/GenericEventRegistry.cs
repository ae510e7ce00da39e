using System.Collections.Immutable;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// Definitions made up on the fly for well-formed events the catalog does not know: a count, one distribution
/// per numeric measurement, and the family's allow-listed dimensions. Bounded in events and measurements, so a
/// misbehaving producer cannot grow memory or metric names without limit.
/// </summary>
internal sealed class GenericEventRegistry
{
    public const int MaxMeasurementsPerEvent = 16;

    private readonly Dictionary<string, EventDefinition> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventDefinition>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<string> _catalogMetricNames;
    private readonly Stack<int> _freeMetricIds = new();
    private readonly HashSet<int> _metricIds = [];
    private readonly int _firstMetricId;
    private readonly int _maxEvents;
    private int _nextMetricId;

    public GenericEventRegistry(TelemetryCatalog catalog, int maxEvents)
    {
        _lookup = _events.GetAlternateLookup<ReadOnlySpan<char>>();
        _catalogMetricNames = [.. catalog.Metrics.Select(m => m.Name)];
        _firstMetricId = _nextMetricId = catalog.Metrics.Select(m => m.Id).DefaultIfEmpty(-1).Max() + 1;
        _maxEvents = maxEvents;
    }

    /// <summary>Distinct unknown events registered.</summary>
    public int Count => _events.Count;

    /// <summary>True once <c>Ingestion:MaxUnknownEvents</c> events are registered: new names are refused until some are forgotten.</summary>
    public bool IsFull => _events.Count >= _maxEvents;

    /// <summary>A catalog metric, or a generic one still registered (its id is not free for reuse).</summary>
    public bool IsCurrent(int metricId) => metricId < _firstMetricId || _metricIds.Contains(metricId);

    /// <summary>
    /// Forgets the unknown events none of whose metrics <paramref name="isLive"/>, freeing their names and metric ids, so
    /// a burst of junk names does not refuse every later unknown event until restart. A forgotten event that comes
    /// back is registered again under the same metric names.
    /// </summary>
    public void Retain(Func<int, bool> isLive)
    {
        foreach (var (name, definition) in _events.ToList())
        {
            var metrics = MetricsOf(definition);
            if (metrics.Any(m => isLive(m.Id)))
            {
                continue;
            }

            _events.Remove(name);
            foreach (var metric in metrics)
            {
                _catalogMetricNames.Remove(metric.Name);
                _metricIds.Remove(metric.Id);
                _freeMetricIds.Push(metric.Id);
            }
        }
    }

    private static List<MetricDefinition> MetricsOf(EventDefinition definition) =>
        [definition.CountMetric, .. definition.GenericMeasurements!.Values.Select(f => f.Metric!)];

    public EventDefinition? GetOrAdd(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var existing))
        {
            return existing;
        }

        if (_events.Count >= _maxEvents)
        {
            return null;
        }

        var text = name.ToString();
        var family = FamilyDimensions.FamilyOf(text);
        var allow = FamilyDimensions.For(family).OrderBy(kv => kv.Value, StringComparer.Ordinal).ToArray();
        var fields = new FieldDefinition[allow.Length];
        for (var i = 0; i < allow.Length; i++)
        {
            fields[i] = new FieldDefinition(allow[i].Key, FieldType.Scalar, false, FieldUse.Dimension, MeasurementUnit.Dimensionless, allow[i].Value, SlowCheck.None, double.MinValue)
            {
                Index = i,
                DimensionSlot = i,
            };
        }

        var keys = allow.Select(kv => kv.Value).ToImmutableArray();
        var count = NewMetric(_catalogMetricNames.Contains($"{text}.count") ? $"{text}.events" : $"{text}.count", "{event}", keys);
        var definition = new EventDefinition(text, family, FamilyDimensions.DefaultTimeUnit(family), count, AllSlots(keys.Length), [.. fields], keys, [], isGeneric: true)
        {
            GenericMeasurements = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal),
        };
        _events.Add(text, definition);
        return definition;
    }

    /// <summary>The field for a measurement of a generic event, or null past the per-event limit or on a name clash.</summary>
    public FieldDefinition? Measurement(EventDefinition definition, ReadOnlySpan<char> measurement)
    {
        var known = definition.GenericMeasurements!;
        var lookup = known.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(measurement, out var field))
        {
            return field;
        }

        if (known.Count >= MaxMeasurementsPerEvent)
        {
            return null;
        }

        var name = measurement.ToString();
        var unit = InferUnit(name);
        var metricName = $"{definition.Name}.{CatalogBuilder.MetricSuffix(name)}";
        if (_catalogMetricNames.Contains(metricName))
        {
            return null;
        }

        var isDuration = unit is not (MeasurementUnit.Dimensionless or MeasurementUnit.Bytes);
        field = new FieldDefinition(name, FieldType.Number, false, FieldUse.Distribution, unit, null, SlowCheck.None, double.MinValue)
        {
            Index = -1,
            Metric = NewMetric(metricName, isDuration ? "ms" : unit == MeasurementUnit.Bytes ? "By" : "1", definition.DimensionKeys),
            MetricSlots = definition.CountMetricSlots,
        };
        known.Add(name, field);
        return field;
    }

    private static MeasurementUnit InferUnit(string name) =>
        name.EndsWith("_ms", StringComparison.Ordinal) ? MeasurementUnit.Milliseconds
        : name.EndsWith("_us", StringComparison.Ordinal) ? MeasurementUnit.Microseconds
        : name.EndsWith("_ns", StringComparison.Ordinal) ? MeasurementUnit.Nanoseconds
        : name.EndsWith("_seconds", StringComparison.Ordinal) ? MeasurementUnit.Seconds
        : name is "duration" or "latency" || name.EndsWith("_duration", StringComparison.Ordinal) || name.EndsWith("_latency", StringComparison.Ordinal) ? MeasurementUnit.NativeTime
        : name is "bytes" or "data_size" || name.EndsWith("_bytes", StringComparison.Ordinal) ? MeasurementUnit.Bytes
        : MeasurementUnit.Dimensionless;

    private static int[] AllSlots(int n) => Enumerable.Range(0, n).ToArray();

    private MetricDefinition NewMetric(string name, string unit, ImmutableArray<string> keys)
    {
        // Generic names share the catalog's name space: a clash is refused by the callers, never merged.
        _catalogMetricNames.Add(name);
        // Ids of forgotten events are reused, so arrays indexed by metric id stay as small as the live set.
        var id = _freeMetricIds.Count > 0 ? _freeMetricIds.Pop() : _nextMetricId++;
        _metricIds.Add(id);
        return new MetricDefinition(id, name, unit, "Generic metric of an event not in the catalog", keys);
    }
}
