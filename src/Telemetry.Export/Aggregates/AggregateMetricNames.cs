namespace Telemetry.Export.Aggregates;

/// <summary>
/// The names under which the core's minute aggregates reach Azure Monitor. Azure Monitor keeps only count, sum, min
/// and max of an OpenTelemetry histogram, and the SDK can only build those by recording every value again, which
/// cannot reproduce the core's exact fixed-point sum. So each statistic is its own gauge, holding exactly the number
/// the core computed: <c>&lt;metric&gt;.count</c>, <c>.sum</c>, <c>.min</c>, <c>.max</c>, <c>.p50</c>, <c>.p95</c>,
/// <c>.p99</c>. An event-count series (<c>&lt;event&gt;.count</c>, unit <c>{event}</c>) is exported once, under its own name.
/// </summary>
public static class AggregateMetricNames
{
    public const string EventCountUnit = "{event}";

    public const string EventCountSuffix = ".count";

    private static readonly AggregateStatistic[] DistributionStatistics = Enum.GetValues<AggregateStatistic>();

    private static readonly AggregateStatistic[] EventCountStatistics = [AggregateStatistic.Count];

    /// <summary>True for the core's event-count series, whose distribution is only a count.</summary>
    public static bool IsEventCount(string metricName, string unit) =>
        string.Equals(unit, EventCountUnit, StringComparison.Ordinal) && metricName.EndsWith(EventCountSuffix, StringComparison.Ordinal);

    /// <summary>The statistics exported for a metric.</summary>
    public static IReadOnlyList<AggregateStatistic> StatisticsOf(string metricName, string unit) =>
        IsEventCount(metricName, unit) ? EventCountStatistics : DistributionStatistics;

    /// <summary>The Azure Monitor metric name of one statistic of a metric.</summary>
    public static string NameOf(string metricName, string unit, AggregateStatistic statistic)
    {
        ArgumentException.ThrowIfNullOrEmpty(metricName);
        if (IsEventCount(metricName, unit))
        {
            return metricName;
        }

        return metricName + statistic switch
        {
            AggregateStatistic.Count => ".count",
            AggregateStatistic.Sum => ".sum",
            AggregateStatistic.Min => ".min",
            AggregateStatistic.Max => ".max",
            AggregateStatistic.P50 => ".p50",
            AggregateStatistic.P95 => ".p95",
            AggregateStatistic.P99 => ".p99",
            _ => throw new ArgumentOutOfRangeException(nameof(statistic)),
        };
    }

    /// <summary>Every Azure Monitor name a metric is exported under.</summary>
    public static IReadOnlyList<string> ExportedNames(string metricName, string unit) =>
        StatisticsOf(metricName, unit).Select(s => NameOf(metricName, unit, s)).ToArray();

    /// <summary>The quantile a statistic reads, or null for count, sum, min and max.</summary>
    internal static double? QuantileOf(AggregateStatistic statistic) => statistic switch
    {
        AggregateStatistic.P50 => 0.50,
        AggregateStatistic.P95 => 0.95,
        AggregateStatistic.P99 => 0.99,
        _ => null,
    };
}
