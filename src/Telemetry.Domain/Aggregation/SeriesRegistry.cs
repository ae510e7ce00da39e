using System.Runtime.CompilerServices;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Gives each distinct (metric, dimension values) a small integer id and one shared <see cref="MetricSeries"/>,
/// so the hot path compares interned strings and stores ints, and a series object is built once per process.
/// </summary>
internal sealed class SeriesRegistry
{
    public const int MaxKeyDimensions = 12;
    public const string OverflowKey = "otel.metric.overflow";

    private readonly Dictionary<SeriesKey, int> _ids = [];
    private readonly List<MetricSeries> _series = [];
    private readonly List<int> _metricOf = [];
    private readonly List<bool> _isOverflow = [];
    private readonly Dictionary<int, int> _overflowByMetric = [];
    private readonly int _capacity;

    public SeriesRegistry(int capacity = 1_000_000) => _capacity = capacity;

    public int Count => _series.Count;

    public MetricSeries this[int id] => _series[id];

    public int MetricOf(int id) => _metricOf[id];

    public bool IsOverflow(int id) => _isOverflow[id];

    /// <summary>The id of the series, or -1 when it is new and the registry is full.</summary>
    public int Find(MetricDefinition metric, int[] slots, string?[] values, out SeriesKey key)
    {
        key = new SeriesKey(metric.Id, slots, values);
        return _ids.TryGetValue(key, out var id) ? id : -1;
    }

    /// <summary>Registers a series found missing by <see cref="Find"/>; -1 when the registry is full.</summary>
    public int Add(MetricDefinition metric, in SeriesKey key)
    {
        if (_series.Count >= _capacity)
        {
            return -1;
        }

        var dims = new List<KeyValuePair<string, string>>(metric.DimensionKeys.Length);
        for (var i = 0; i < metric.DimensionKeys.Length; i++)
        {
            if (key.ValueAt(i) is { } value)
            {
                dims.Add(new(metric.DimensionKeys[i], value));
            }
        }

        return Register(key, new MetricSeries(metric.Name, metric.Unit, dims), metric.Id);
    }

    /// <summary>The one overflow series of a metric: <c>otel.metric.overflow=true</c> and no other dimension.</summary>
    public int Overflow(MetricDefinition metric)
    {
        if (_overflowByMetric.TryGetValue(metric.Id, out var id))
        {
            return id;
        }

        id = _series.Count;
        _series.Add(new MetricSeries(metric.Name, metric.Unit, [new(OverflowKey, "true")]));
        _metricOf.Add(metric.Id);
        _isOverflow.Add(true);
        _overflowByMetric.Add(metric.Id, id);
        return id;
    }

    private int Register(in SeriesKey key, MetricSeries series, int metricId)
    {
        var id = _series.Count;
        _series.Add(series);
        _metricOf.Add(metricId);
        _isOverflow.Add(false);
        _ids.Add(key, id);
        return id;
    }

    /// <summary>Up to <see cref="MaxKeyDimensions"/> interned values in the metric's key order.</summary>
    [InlineArray(MaxKeyDimensions)]
    internal struct DimensionValues
    {
        private string? _first;
    }

    internal readonly struct SeriesKey : IEquatable<SeriesKey>
    {
        private readonly int _metricId;
        private readonly int _count;
        private readonly int _hash;
        private readonly DimensionValues _values;

        public SeriesKey(int metricId, int[] slots, string?[] values)
        {
            _metricId = metricId;
            _count = Math.Min(slots.Length, MaxKeyDimensions);
            var hash = metricId;
            for (var i = 0; i < _count; i++)
            {
                var v = values[slots[i]];
                _values[i] = v;
                // Values are interned (DimensionValuePool), so identity hashing is exact and far cheaper than hashing text.
                hash = (hash * 31) + (v is null ? 0 : RuntimeHelpers.GetHashCode(v));
            }

            _hash = hash;
        }

        public string? ValueAt(int index) => _values[index];

        public bool Equals(SeriesKey other)
        {
            if (_hash != other._hash || _metricId != other._metricId || _count != other._count)
            {
                return false;
            }

            ReadOnlySpan<string?> a = _values, b = other._values;
            for (var i = 0; i < _count; i++)
            {
                if (!ReferenceEquals(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is SeriesKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
