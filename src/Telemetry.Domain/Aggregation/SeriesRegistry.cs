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

    // Two levels: an event's dimension values are looked up once per key set (the wide key), then each of its
    // metrics finds its series by (metric, tuple) in a narrow integer key. An envelope feeding five metrics hashes
    // its dimension values once, not five times.
    private readonly Dictionary<SeriesKey, int> _tuples = [];
    private readonly List<string?[]> _tupleValues = [];
    private readonly Dictionary<string, int> _keySets = new(StringComparer.Ordinal);
    // Per tuple, the few (metric, series) pairs registered on it: a short scan beats hashing for the handful of
    // metrics one key set feeds.
    private (int Metric, int Series)[][] _byTuple = new (int, int)[256][];
    private readonly List<MetricSeries> _series = [];
    private readonly List<int> _metricOf = [];
    private readonly List<MetricDefinition> _metricDefinitions = [];
    private readonly List<int> _tupleOf = [];
    private readonly Dictionary<int, int> _overflowByMetric = [];
    private readonly int _capacity;
    private int[] _keySetByMetric = [];

    public SeriesRegistry(int capacity = 1_000_000) => _capacity = capacity;

    public int Count => _series.Count;

    /// <summary>Distinct dimension-value tuples seen, including those of series the cap never admitted.</summary>
    public int TupleCount => _tupleValues.Count;

    public MetricSeries this[int id] => _series[id];

    public int MetricOf(int id) => _metricOf[id];

    /// <summary>Metrics with the same dimension keys share a key set, and so their dimension tuples.</summary>
    public int KeySetOf(MetricDefinition metric)
    {
        if (metric.Id < _keySetByMetric.Length && _keySetByMetric[metric.Id] > 0)
        {
            return _keySetByMetric[metric.Id] - 1;
        }

        var joined = string.Join('\u0001', metric.DimensionKeys);
        if (!_keySets.TryGetValue(joined, out var set))
        {
            set = _keySets.Count;
            _keySets.Add(joined, set);
        }

        if (metric.Id >= _keySetByMetric.Length)
        {
            Array.Resize(ref _keySetByMetric, Math.Max(metric.Id + 1, _keySetByMetric.Length * 2));
        }

        _keySetByMetric[metric.Id] = set + 1;
        return set;
    }

    /// <summary>The id of the values the slots pick for a key set, or -1 when new and the registry is full.</summary>
    public int Tuple(int keySet, int[] slots, string?[] values)
    {
        var key = new SeriesKey(keySet, slots, values);
        ref var id = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_tuples, key, out var exists);
        if (!exists)
        {
            if (_tupleValues.Count >= _capacity)
            {
                _tuples.Remove(key);
                return -1;
            }

            id = _tupleValues.Count;
            var copy = new string?[slots.Length];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = values[slots[i]];
            }

            _tupleValues.Add(copy);
        }

        return id;
    }

    /// <summary>The id of the metric's series for a tuple, or -1 when it has none yet.</summary>
    public int Find(MetricDefinition metric, int tuple)
    {
        if ((uint)tuple < (uint)_byTuple.Length && _byTuple[tuple] is { } pairs)
        {
            foreach (var (m, series) in pairs)
            {
                if (m == metric.Id)
                {
                    return series;
                }
            }
        }

        return -1;
    }

    /// <summary>Registers the metric's series for a tuple; -1 when the registry is full.</summary>
    public int Add(MetricDefinition metric, int tuple)
    {
        if (_series.Count >= _capacity)
        {
            return -1;
        }

        var values = _tupleValues[tuple];
        var dims = new List<KeyValuePair<string, string>>(metric.DimensionKeys.Length);
        for (var i = 0; i < metric.DimensionKeys.Length; i++)
        {
            if (values[i] is { } value)
            {
                dims.Add(new(metric.DimensionKeys[i], value));
            }
        }

        var id = _series.Count;
        _series.Add(new MetricSeries(metric.Name, metric.Unit, dims));
        _metricOf.Add(metric.Id);
        _metricDefinitions.Add(metric);
        _tupleOf.Add(tuple);
        if (tuple >= _byTuple.Length)
        {
            Array.Resize(ref _byTuple, Math.Max(tuple + 1, _byTuple.Length * 2));
        }

        _byTuple[tuple] = [.. _byTuple[tuple] ?? [], (metric.Id, id)];
        return id;
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
        _metricDefinitions.Add(metric);
        _tupleOf.Add(-1);
        _overflowByMetric.Add(metric.Id, id);
        return id;
    }

    /// <summary>
    /// Registers in this registry a series of an <paramref name="older"/> registry (being compacted away), its
    /// values adopted by <paramref name="pool"/>; returns the new id. The <see cref="MetricSeries"/> object is kept,
    /// so what sinks already hold still compares equal.
    /// </summary>
    public int Adopt(SeriesRegistry older, int olderId, Func<string, string> pool)
    {
        var metric = older._metricDefinitions[olderId];
        var values = older._tupleValues[older._tupleOf[olderId]];
        var adopted = new string?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            adopted[i] = values[i] is { } v ? pool(v) : null;
        }

        var tuple = Tuple(KeySetOf(metric), IdentitySlots(adopted.Length), adopted);
        var id = Find(metric, tuple);
        if (id < 0)
        {
            id = Add(metric, tuple);
            _series[id] = older._series[olderId];
        }

        return id;
    }

    private static int[] IdentitySlots(int count)
    {
        var slots = new int[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = i;
        }

        return slots;
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
