using System.Runtime.CompilerServices;
using Telemetry.Domain.Aggregation;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Aggregates;

internal static class ExportAssert
{
    // Indexed once per captured list: the core test checks thousands of series against thousands of points.
    private static readonly ConditionalWeakTable<IReadOnlyList<CapturedMetric>, ILookup<string, CapturedMetric>> Indexes = [];

    /// <summary>
    /// Each exported statistic of <paramref name="series"/> arrived exactly once, with exactly the series' dimensions
    /// as properties, and holds exactly the number the core's distribution gives (no tolerance).
    /// </summary>
    /// <param name="ingested">False for our own histograms' quantiles, which keep their name; an ingested series is exported under <see cref="IngestedMetricNames.ExportName"/>.</param>
    public static void MatchesCore(IReadOnlyList<CapturedMetric> captured, MetricSeries series, Distribution expected, bool ingested = true)
    {
        var exported = ingested ? IngestedMetricNames.ExportName(series.Name) : series.Name;
        foreach (var statistic in AggregateMetricNames.StatisticsOf(exported, series.Unit))
        {
            var name = AggregateMetricNames.NameOf(exported, series.Unit, statistic);
            var index = Indexes.GetValue(captured, c => c.ToLookup(m => KeyOf(m.Name, m.Properties), StringComparer.Ordinal));
            var points = index[KeyOf(name, series.Dimensions)].Where(m => HasDimensionsOf(m, series)).ToList();
            Assert.True(points.Count == 1, $"{name} of {series}: expected one point, got {points.Count}: [{string.Join("; ", points.Select(p => p.Line))}]");
            Assert.Equal(ValueOf(expected, statistic), points[0].Value);
        }
    }

    private static string KeyOf(string name, IEnumerable<KeyValuePair<string, string>> dimensions) =>
        name + "|" + string.Join('|', dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value));

    public static bool HasDimensionsOf(CapturedMetric metric, MetricSeries series) =>
        metric.Properties.Count == series.Dimensions.Length
        && series.Dimensions.All(d => metric.Properties.TryGetValue(d.Key, out var v) && v == d.Value);

    public static double ValueOf(Distribution d, AggregateStatistic statistic) => statistic switch
    {
        AggregateStatistic.Count => d.Count,
        AggregateStatistic.Sum => d.Sum,
        AggregateStatistic.Min => d.Min,
        AggregateStatistic.Max => d.Max,
        AggregateStatistic.P50 => d.Quantile(0.50),
        AggregateStatistic.P95 => d.Quantile(0.95),
        AggregateStatistic.P99 => d.Quantile(0.99),
        _ => throw new ArgumentOutOfRangeException(nameof(statistic)),
    };

    public static IEnumerable<CapturedMetric> Aggregates(this IEnumerable<CapturedMetric> metrics, IEnumerable<MetricSeries> series)
    {
        var names = series.SelectMany(s => AggregateMetricNames.ExportedNames(s.Name, s.Unit)).ToHashSet(StringComparer.Ordinal);
        return metrics.Where(m => names.Contains(m.Name));
    }
}
