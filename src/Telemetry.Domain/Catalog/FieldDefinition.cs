using System.Text;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Catalog;

/// <summary>
/// One measurement or metadata field of a catalog event. A field may arrive in either the envelope's
/// <c>measurements</c> or its <c>metadata</c> object (Elixir spans put some counts in metadata); the first
/// occurrence counts.
/// </summary>
public sealed class FieldDefinition
{
    internal FieldDefinition(string name, FieldType type, bool required, FieldUse use, MeasurementUnit unit, string? dimensionKey, SlowCheck slow, double minimum)
    {
        Name = name;
        Utf8Name = Encoding.UTF8.GetBytes(name);
        Type = type;
        Required = required;
        Use = use;
        Unit = unit;
        DimensionKey = dimensionKey;
        Slow = slow;
        Minimum = minimum;
    }

    /// <summary>The key in the envelope.</summary>
    public string Name { get; }

    public FieldType Type { get; }

    public bool Required { get; }

    public FieldUse Use { get; }

    public MeasurementUnit Unit { get; }

    /// <summary>For a dimension, the key its series carry (seed 001 maps onto its attribute keys).</summary>
    public string? DimensionKey { get; }

    /// <summary>For a distribution, the metric it feeds.</summary>
    public MetricDefinition? Metric { get; internal set; }

    public SlowCheck Slow { get; }

    /// <summary>Smallest accepted number (counts, sizes and durations cannot be negative).</summary>
    public double Minimum { get; }

    internal byte[] Utf8Name { get; }

    /// <summary>For a distribution, the event's dimension slots its metric's keys read, in key order.</summary>
    internal int[] MetricSlots { get; set; } = [];

    /// <summary>Position of this field in the event's field list (bit in the seen mask).</summary>
    internal int Index { get; set; }

    /// <summary>For a dimension, its slot in the event's dimension values; otherwise -1.</summary>
    internal int DimensionSlot { get; set; } = -1;

    /// <summary>
    /// Micro-units of the metric's unit (milliseconds for durations) per unit this field arrives in: an integer for
    /// every unit, so conversion is one exact integer multiplication. Native-time fields use <see cref="MicrosPerNative"/>.
    /// </summary>
    internal long MicrosPerUnit => Unit switch
    {
        MeasurementUnit.Nanoseconds => 1,
        MeasurementUnit.Microseconds => 1_000,
        MeasurementUnit.Seconds => 1_000_000_000,
        _ => 1_000_000,
    };

    /// <summary>Micro-milliseconds (nanoseconds) per unit of the envelope's <c>time_unit</c>.</summary>
    internal static long MicrosPerNative(EnvelopeTimeUnit timeUnit) => timeUnit switch
    {
        EnvelopeTimeUnit.Native or EnvelopeTimeUnit.Nanosecond => 1,
        EnvelopeTimeUnit.Microsecond => 1_000,
        EnvelopeTimeUnit.Millisecond => 1_000_000,
        _ => 1_000_000_000,
    };

    internal bool IsDuration => Unit is MeasurementUnit.NativeTime or MeasurementUnit.Nanoseconds or MeasurementUnit.Microseconds
        or MeasurementUnit.Milliseconds or MeasurementUnit.Seconds;

    public override string ToString() => Name;
}
