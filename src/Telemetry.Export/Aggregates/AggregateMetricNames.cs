using System.Collections.Frozen;
using Telemetry.Domain.Catalog;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// The names under which the core's minute aggregates reach Azure Monitor. Azure Monitor keeps only count, sum, min
/// and max of an OpenTelemetry histogram, and the SDK can only build those by recording every value again, which
/// cannot reproduce the core's exact fixed-point sum. So each statistic is its own gauge, holding exactly the number
/// the core computed: <c>&lt;metric&gt;.count</c>, <c>.sum</c>, <c>.min</c>, <c>.max</c>, <c>.p50</c>, <c>.p95</c>,
/// <c>.p99</c>. A count metric (each event's count metric in the catalog, such as <c>snakepit.request.executed.count</c>
/// or seed 001's <c>kafka.eventbus.messages.consumed</c>) records 1 per event, so only its count is exported, under
/// its own name. Ingested names under our own reserved prefixes are exported as <see cref="IngestedMetricNames"/> says.
/// </summary>
internal static class AggregateMetricNames
{
    public const string EventCountUnit = "{event}";

    public const string EventCountSuffix = ".count";

    private static readonly AggregateStatistic[] DistributionStatistics = Enum.GetValues<AggregateStatistic>();

    private static readonly AggregateStatistic[] EventCountStatistics = [AggregateStatistic.Count];

    private static readonly FrozenSet<string> CatalogCountMetrics =
        TelemetryCatalog.Default.Events.Select(e => e.CountMetric.Name)
            .SelectMany(name => new[] { name, IngestedMetricNames.ExportName(name) })
            .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// True for a count metric: one of the catalog's, or the <c>&lt;event&gt;.count</c> (<c>{event}</c>) that the core
    /// gives events it aggregates generically.
    /// </summary>
    public static bool IsCountMetric(string metricName, string unit) =>
        CatalogCountMetrics.Contains(metricName)
        || (string.Equals(unit, EventCountUnit, StringComparison.Ordinal) && metricName.EndsWith(EventCountSuffix, StringComparison.Ordinal));

    /// <summary>The statistics exported for a metric.</summary>
    public static IReadOnlyList<AggregateStatistic> StatisticsOf(string metricName, string unit) =>
        IsCountMetric(metricName, unit) ? EventCountStatistics : DistributionStatistics;

    /// <summary>The Azure Monitor metric name of one statistic of a metric.</summary>
    public static string NameOf(string metricName, string unit, AggregateStatistic statistic)
    {
        ArgumentException.ThrowIfNullOrEmpty(metricName);
        if (IsCountMetric(metricName, unit))
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
}
