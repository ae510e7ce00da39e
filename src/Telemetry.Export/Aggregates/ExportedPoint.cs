using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Aggregates;

/// <summary>One series' numbers for one collection, read once from the core's distribution.</summary>
internal sealed class ExportedPoint
{
    public ExportedPoint(MetricSeries series, Distribution distribution, int windows)
    {
        Series = series;
        Windows = windows;
        Count = distribution.Count;
        Sum = distribution.Sum;
        Min = distribution.Min;
        Max = distribution.Max;
        P50 = distribution.Quantile(0.50);
        P95 = distribution.Quantile(0.95);
        P99 = distribution.Quantile(0.99);
        var tags = new KeyValuePair<string, object?>[series.Dimensions.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(series.Dimensions[i].Key, series.Dimensions[i].Value);
        }

        Tags = tags;
    }

    public MetricSeries Series { get; }

    /// <summary>How many minute windows this point covers: 1, or more when a backlog was folded into one collection.</summary>
    public int Windows { get; }

    public long Count { get; }

    public double Sum { get; }

    public double Min { get; }

    public double Max { get; }

    public double P50 { get; }

    public double P95 { get; }

    public double P99 { get; }

    public KeyValuePair<string, object?>[] Tags { get; }

    public double ValueOf(AggregateStatistic statistic) => statistic switch
    {
        AggregateStatistic.Count => Count,
        AggregateStatistic.Sum => Sum,
        AggregateStatistic.Min => Min,
        AggregateStatistic.Max => Max,
        AggregateStatistic.P50 => P50,
        AggregateStatistic.P95 => P95,
        AggregateStatistic.P99 => P99,
        _ => throw new ArgumentOutOfRangeException(nameof(statistic)),
    };
}
