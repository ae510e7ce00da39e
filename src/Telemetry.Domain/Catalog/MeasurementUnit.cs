namespace Telemetry.Domain.Catalog;

/// <summary>The unit a producer sends a number in; durations are converted to milliseconds.</summary>
public enum MeasurementUnit
{
    /// <summary>A plain number (a count or a size); its metric unit is the field's UCUM annotation.</summary>
    Dimensionless,

    /// <summary>A duration in the envelope's <c>time_unit</c> (or the event's documented default).</summary>
    NativeTime,

    /// <summary>A duration in nanoseconds.</summary>
    Nanoseconds,

    /// <summary>A duration in microseconds.</summary>
    Microseconds,

    /// <summary>A duration in milliseconds.</summary>
    Milliseconds,

    /// <summary>A duration in seconds.</summary>
    Seconds,

    /// <summary>A size in bytes (metric unit <c>By</c>).</summary>
    Bytes,
}
