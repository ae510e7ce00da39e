using System.Collections.Immutable;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Catalog;

/// <summary>One event the pipeline understands: its fields, the metrics it feeds and what makes it notable.</summary>
public sealed class EventDefinition
{
    internal EventDefinition(
        string name,
        TelemetryFamily family,
        EnvelopeTimeUnit defaultTimeUnit,
        MetricDefinition countMetric,
        int[] countMetricSlots,
        ImmutableArray<FieldDefinition> fields,
        ImmutableArray<string> dimensionKeys,
        ImmutableArray<NotableRule> notableRules,
        bool isGeneric)
    {
        Name = name;
        Family = family;
        DefaultTimeUnit = defaultTimeUnit;
        CountMetric = countMetric;
        CountMetricSlots = countMetricSlots;
        Fields = fields;
        DimensionKeys = dimensionKeys;
        NotableRules = notableRules;
        IsGeneric = isGeneric;
        foreach (var field in fields)
        {
            if (field.Required)
            {
                RequiredMask |= 1UL << field.Index;
            }
        }
    }

    /// <summary>The dotted name, e.g. <c>kafee.batch.process_end</c>.</summary>
    public string Name { get; }

    public TelemetryFamily Family { get; }

    /// <summary>The unit of native-time durations when the envelope carries no <c>time_unit</c>.</summary>
    public EnvelopeTimeUnit DefaultTimeUnit { get; }

    /// <summary>One count per occurrence: <c>&lt;event&gt;.count</c>, or a seed-001 counter.</summary>
    public MetricDefinition CountMetric { get; }

    public ImmutableArray<FieldDefinition> Fields { get; }

    /// <summary>Output keys of the event's dimension slots.</summary>
    public ImmutableArray<string> DimensionKeys { get; }

    public ImmutableArray<NotableRule> NotableRules { get; }

    /// <summary>True for an event not in the catalog, aggregated by the generic rules.</summary>
    public bool IsGeneric { get; }

    internal int[] CountMetricSlots { get; }

    internal ulong RequiredMask { get; }

    /// <summary>For a generic event: the measurements seen so far, each with its metric (bounded by the decoder).</summary>
    internal Dictionary<string, FieldDefinition>? GenericMeasurements { get; init; }

    public override string ToString() => Name;
}
