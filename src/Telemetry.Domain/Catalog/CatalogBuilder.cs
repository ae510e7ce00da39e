using System.Collections.Immutable;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Catalog;

/// <summary>
/// Builds a <see cref="TelemetryCatalog"/> and checks it as it goes: dimensions must be on the family's
/// allow-list, and a metric name fed by several events must have one unit and one set of keys.
/// </summary>
internal sealed class CatalogBuilder
{
    private readonly List<EventDefinition> _events = [];
    private readonly Dictionary<string, MetricDefinition> _metrics = new(StringComparer.Ordinal);

    public IReadOnlyCollection<MetricDefinition> Metrics => _metrics.Values;

    public EventBuilder Event(string name, EnvelopeTimeUnit defaultTimeUnit = EnvelopeTimeUnit.Native) => new(this, name, defaultTimeUnit);

    public TelemetryCatalog Build()
    {
        var lateness = Metric(TelemetryCatalog.LatenessMetricName, "ms", "How far behind the newest event time seen an event arrived.", ["family"]);
        return new TelemetryCatalog([.. _events], [.. _metrics.Values.OrderBy(m => m.Id)], lateness);
    }

    internal MetricDefinition Metric(string name, string unit, string description, ImmutableArray<string> keys)
    {
        if (_metrics.TryGetValue(name, out var existing))
        {
            if (existing.Unit != unit || !existing.DimensionKeys.SequenceEqual(keys))
            {
                throw new InvalidOperationException($"Metric {name} is defined twice with different units or dimensions.");
            }

            return existing;
        }

        var metric = new MetricDefinition(_metrics.Count, name, unit, description, keys);
        _metrics.Add(name, metric);
        return metric;
    }

    internal void Add(EventDefinition definition)
    {
        if (_events.Any(e => e.Name == definition.Name))
        {
            throw new InvalidOperationException($"Event {definition.Name} is defined twice.");
        }

        _events.Add(definition);
    }

    /// <summary>Declares one event fluently; <see cref="Done"/> adds it to the catalog.</summary>
    internal sealed class EventBuilder
    {
        private readonly CatalogBuilder _owner;
        private readonly string _name;
        private readonly EnvelopeTimeUnit _defaultTimeUnit;
        private readonly TelemetryFamily _family;
        private readonly List<FieldDefinition> _fields = [];
        private readonly List<(FieldDefinition Field, string MetricName, string Unit, string[]? Keys)> _distributions = [];
        private readonly List<(NotableEventKind Kind, NotableTrigger Trigger, string? Field, string[] Values)> _rules = [];
        private readonly Dictionary<string, (ImmutableArray<string> Keys, int[] Slots)> _bindings = new(StringComparer.Ordinal);
        private (string Name, string Unit, string[]? Keys)? _count;

        public EventBuilder(CatalogBuilder owner, string name, EnvelopeTimeUnit defaultTimeUnit)
        {
            _owner = owner;
            _name = name;
            _defaultTimeUnit = defaultTimeUnit;
            _family = FamilyDimensions.FamilyOf(name);
        }

        /// <summary>A number recorded into <c>&lt;event&gt;.&lt;name without time suffix&gt;</c>.</summary>
        public EventBuilder Measure(
            string name,
            MeasurementUnit unit,
            string ucum,
            bool required = false,
            SlowCheck slow = SlowCheck.None,
            FieldType type = FieldType.Number,
            string? metricName = null,
            string[]? keys = null,
            FieldUse extraUse = FieldUse.None)
        {
            var isDuration = unit is not (MeasurementUnit.Dimensionless or MeasurementUnit.Bytes);
            var field = new FieldDefinition(name, type, required, FieldUse.Distribution | extraUse, unit, null, slow, 0);
            _fields.Add(field);
            _distributions.Add((field, metricName ?? $"{_name}.{MetricSuffix(name)}", isDuration ? "ms" : unit == MeasurementUnit.Bytes ? "By" : ucum, keys));
            return this;
        }

        /// <summary>An allow-listed dimension.</summary>
        public EventBuilder Dim(string name, FieldType type = FieldType.String, bool required = false, FieldUse extraUse = FieldUse.None)
        {
            if (!FamilyDimensions.For(_family).TryGetValue(name, out var key))
            {
                throw new InvalidOperationException($"{_name}: {name} is not on the {_family} dimension allow-list.");
            }

            _fields.Add(new FieldDefinition(name, type, required, FieldUse.Dimension | extraUse, MeasurementUnit.Dimensionless, key, SlowCheck.None, double.MinValue));
            return this;
        }

        /// <summary>Kept on notable events only (bounded), optionally as their reason.</summary>
        public EventBuilder Attr(string name, FieldType type = FieldType.Scalar, bool required = false, bool reason = false)
        {
            _fields.Add(new FieldDefinition(name, type, required, FieldUse.Attribute | (reason ? FieldUse.Reason : FieldUse.None), MeasurementUnit.Dimensionless, null, SlowCheck.None, double.MinValue));
            return this;
        }

        /// <summary>Validated for its type, then dropped (per-event identifiers such as offsets and worker ids).</summary>
        public EventBuilder Ignore(string name, FieldType type = FieldType.Scalar, bool required = false)
        {
            _fields.Add(new FieldDefinition(name, type, required, FieldUse.None, MeasurementUnit.Dimensionless, null, SlowCheck.None, double.MinValue));
            return this;
        }

        /// <summary>Payload-bearing: skipped unread.</summary>
        public EventBuilder Payload(string name)
        {
            _fields.Add(new FieldDefinition(name, FieldType.Any, false, FieldUse.Payload, MeasurementUnit.Dimensionless, null, SlowCheck.None, double.MinValue));
            return this;
        }

        /// <summary>Overrides the event count metric (seed 001 counters), optionally with a subset of the dimensions.</summary>
        public EventBuilder Count(string metricName, string unit, params string[] keys)
        {
            _count = (metricName, unit, keys);
            return this;
        }

        public EventBuilder Notable(NotableEventKind kind, NotableTrigger trigger, string? field = null, params string[] values)
        {
            _rules.Add((kind, trigger, field, values));
            return this;
        }

        public CatalogBuilder Done()
        {
            var dimensionKeys = new List<string>();
            for (var i = 0; i < _fields.Count; i++)
            {
                var f = _fields[i];
                f.Index = i;
                if (f.DimensionKey is not null)
                {
                    f.DimensionSlot = dimensionKeys.Count;
                    dimensionKeys.Add(f.DimensionKey);
                }
            }

            if (_fields.Count > 64)
            {
                throw new InvalidOperationException($"{_name}: at most 64 fields.");
            }

            var allKeys = dimensionKeys.ToArray();
            foreach (var (field, metricName, unit, keys) in _distributions)
            {
                var (metricKeys, slots) = Bind(keys ?? allKeys, dimensionKeys);
                field.Metric = _owner.Metric(metricName, unit, $"{field.Name} of {_name}", metricKeys);
                field.MetricSlots = slots;
            }

            var (countName, countUnit, countKeys) = _count ?? ($"{_name}.count", "{event}", null);
            var (countMetricKeys, countSlots) = Bind(countKeys ?? allKeys, dimensionKeys);
            var countMetric = _owner.Metric(countName, countUnit, $"Occurrences of {_name}", countMetricKeys);

            var rules = _rules.Select(r =>
            {
                var field = r.Field is null ? null : _fields.Single(f => f.Name == r.Field);
                if (r.Trigger == NotableTrigger.FieldEquals && field?.DimensionSlot < 0)
                {
                    throw new InvalidOperationException($"{_name}: a FieldEquals rule needs a dimension field.");
                }

                return new NotableRule(r.Kind, r.Trigger, field, [.. r.Values]);
            }).ToImmutableArray();

            _owner.Add(new EventDefinition(_name, _family, _defaultTimeUnit, countMetric, countSlots, [.. _fields], [.. dimensionKeys], rules, isGeneric: false));
            return _owner;
        }

        private (ImmutableArray<string> Keys, int[] Slots) Bind(string[] keys, List<string> dimensionKeys)
        {
            var sorted = keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            // One slots array per key list within an event: the processor reuses a dimension tuple while the array repeats.
            var signature = string.Join('\u0001', sorted);
            if (_bindings.TryGetValue(signature, out var bound))
            {
                return bound;
            }

            var slots = new int[sorted.Length];
            for (var i = 0; i < sorted.Length; i++)
            {
                slots[i] = dimensionKeys.IndexOf(sorted[i]);
                if (slots[i] < 0)
                {
                    throw new InvalidOperationException($"{_name}: metric dimension {sorted[i]} is not a dimension of the event.");
                }
            }

            return _bindings[signature] = ([.. sorted], slots);
        }
    }

    /// <summary><c>duration_ms</c> → <c>duration</c>: the metric carries the unit, so the name does not.</summary>
    internal static string MetricSuffix(string measurement)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["_ms", "_us", "_ns", "_seconds"])
        {
            if (measurement.EndsWith(suffix, StringComparison.Ordinal) && measurement.Length > suffix.Length)
            {
                return measurement[..^suffix.Length];
            }
        }

        return measurement;
    }
}
