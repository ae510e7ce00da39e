using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// The decoder's reusable output for one envelope. Reset and refilled per record, so decoding a steady
/// stream allocates nothing; nothing in it may be kept past the next decode.
/// </summary>
internal sealed class DecodedEvent
{
    public const int MaxDimensions = 16;
    public const int MaxObservations = 66;

    public EventDefinition? Definition { get; set; }

    public long TimeUnixMs { get; set; }

    public EnvelopeTimeUnit TimeUnit { get; set; }

    /// <summary>True once the envelope's own time_unit was read (it overrides the event's default).</summary>
    public bool TimeUnitGiven { get; set; }

    public EnvelopeError Error { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>Dimension values by the event's slots; null when absent.</summary>
    public string?[] Dimensions { get; } = new string?[MaxDimensions];

    public Observation[] Observations { get; } = new Observation[MaxObservations];

    public int ObservationCount { get; set; }

    /// <summary>Metric-unit values (milliseconds for durations) by field index, valid where <see cref="Seen"/> has the bit.</summary>
    public double[] FieldValues { get; } = new double[64];

    /// <summary>Bit i set when the event's field i was present.</summary>
    public ulong Seen { get; set; }

    public NotableEventKind[] NotableKinds { get; } = new NotableEventKind[4];

    public int NotableCount { get; set; }

    /// <summary>Milliseconds of the first duration field present, for notable events.</summary>
    public double? DurationMs { get; set; }

    // Filled only when decoding with capture, to materialise a notable event.
    public string? Source { get; set; }

    public string? Reason { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }

    public void Reset()
    {
        Definition = null;
        TimeUnixMs = 0;
        TimeUnit = EnvelopeTimeUnit.Native;
        TimeUnitGiven = false;
        Error = EnvelopeError.None;
        ErrorMessage = null;
        Array.Clear(Dimensions);
        ObservationCount = 0;
        Seen = 0;
        NotableCount = 0;
        DurationMs = null;
        DurationObservation = -1;
        Source = null;
        Reason = null;
        Attributes = null;
    }

    /// <summary>Index of the first duration observation (for <see cref="DurationMs"/>), or -1.</summary>
    public int DurationObservation { get; set; } = -1;

    public void AddObservation(MetricDefinition metric, int[] slots, long micros, int fieldIndex = -1) =>
        Observations[ObservationCount++] = new Observation(metric, slots, micros, fieldIndex, false, default);

    /// <summary>A native-time value, converted once the envelope's time_unit is known.</summary>
    public void AddNativeObservation(MetricDefinition metric, int[] slots, ExactNumber raw, int fieldIndex) =>
        Observations[ObservationCount++] = new Observation(metric, slots, 0, fieldIndex, true, raw);

    public void AddNotable(NotableEventKind kind)
    {
        for (var i = 0; i < NotableCount; i++)
        {
            if (NotableKinds[i] == kind)
            {
                return;
            }
        }

        if (NotableCount < NotableKinds.Length)
        {
            NotableKinds[NotableCount++] = kind;
        }
    }

    /// <summary>
    /// One value for one metric, in exact micro-units of the metric's unit; <see cref="Slots"/> pick the series'
    /// dimension values. A <see cref="Native"/> value is still the envelope's <see cref="Raw"/> number until the whole
    /// envelope (and so its time_unit) has been read.
    /// </summary>
    internal record struct Observation(MetricDefinition Metric, int[] Slots, long Micros, int FieldIndex, bool Native, ExactNumber Raw);
}
