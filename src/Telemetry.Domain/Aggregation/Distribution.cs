namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Count, sum, min, max and a quantile histogram of one series in one window.
/// Sums, min and max are kept as integers in micro-units (value × 10⁶, rounded), so that adding
/// is exact and order-free: a ledger that merges partitions and replays in any order gets the same bits.
/// </summary>
public sealed class Distribution : IEquatable<Distribution>
{
    public const double Scale = 1_000_000d;

    public long Count { get; private set; }

    public Int128 SumMicros { get; private set; }

    public long MinMicros { get; private set; } = long.MaxValue;

    public long MaxMicros { get; private set; } = long.MinValue;

    public LogHistogram Histogram { get; } = new();

    public double Sum => (double)SumMicros / Scale;

    public double Min => Count == 0 ? double.NaN : MinMicros / Scale;

    public double Max => Count == 0 ? double.NaN : MaxMicros / Scale;

    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>
    /// A double in micro-units: the whole part by integer multiplication (exact for every integer a double holds up to
    /// about 9.2·10¹²), only the fraction scaled as a double. <c>value * 10⁶</c> as one double is off by whole
    /// micro-units above about 9·10⁹. The decoder does not use this: it converts the envelope's text exactly.
    /// </summary>
    public static long ToMicros(double value)
    {
        var whole = Math.Truncate(value);
        return checked(((long)whole * 1_000_000L) + (long)Math.Round((value - whole) * Scale, MidpointRounding.AwayFromZero));
    }

    public void Record(double value) => RecordMicros(ToMicros(value));

    /// <summary>Records a value already in micro-units (the processing path stores micros, so it skips the round trip).</summary>
    public void RecordMicros(long micros)
    {
        Count++;
        SumMicros += micros;
        if (micros < MinMicros)
        {
            MinMicros = micros;
        }

        if (micros > MaxMicros)
        {
            MaxMicros = micros;
        }

        // The histogram sees the quantised value, so replays of the same input give the same buckets.
        Histogram.Record(micros / Scale);
    }

    /// <summary>Back to empty, keeping the histogram's arrays (pooled aggregates reuse them).</summary>
    internal void Reset()
    {
        Count = 0;
        SumMicros = 0;
        MinMicros = long.MaxValue;
        MaxMicros = long.MinValue;
        Histogram.Reset();
    }

    public void Merge(Distribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        Count += other.Count;
        SumMicros += other.SumMicros;
        MinMicros = Math.Min(MinMicros, other.MinMicros);
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
        Histogram.Merge(other.Histogram);
    }

    /// <summary>Restores a distribution from stored fields (the ledger's read path).</summary>
    public static Distribution FromParts(long count, Int128 sumMicros, long minMicros, long maxMicros, LogHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var d = new Distribution { Count = count, SumMicros = sumMicros, MinMicros = minMicros, MaxMicros = maxMicros };
        d.Histogram.Merge(histogram);
        return d;
    }

    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        // Clamp to the exact extremes: the histogram's representative value can sit just outside them.
        return Math.Clamp(Histogram.Quantile(q), Min, Max);
    }

    public Distribution Clone()
    {
        var copy = new Distribution();
        copy.Merge(this);
        return copy;
    }

    public bool Equals(Distribution? other) =>
        other is not null && Count == other.Count && SumMicros == other.SumMicros
        && (Count == 0 || (MinMicros == other.MinMicros && MaxMicros == other.MaxMicros))
        && Histogram.Equals(other.Histogram);

    public override bool Equals(object? obj) => Equals(obj as Distribution);

    public override int GetHashCode() => HashCode.Combine(Count, SumMicros);
}
