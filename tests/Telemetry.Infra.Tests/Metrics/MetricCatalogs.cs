using Telemetry.Domain.Catalog;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Infra.Tests.Metrics;

/// <summary>
/// Every metric name the product exports to Azure Monitor, from the code's two catalogs: our own metrics
/// (<see cref="OwnMetricCatalog"/>) and the ingested telemetry's (<see cref="TelemetryCatalog.Default"/>), plus the
/// <c>.p50</c>/<c>.p95</c>/<c>.p99</c> metrics exported for each distribution (brief: Azure Monitor keeps no quantiles).
/// Each name maps to the dimension keys its series carry.
/// </summary>
internal static class MetricCatalogs
{
    public static readonly string[] QuantileSuffixes = [".p50", ".p95", ".p99"];

    public static readonly string[] DistributionSuffixes = [".count", ".sum", ".min", ".max", .. QuantileSuffixes];

    /// <summary>Series past the cardinality cap fold into one series with this dimension (brief).</summary>
    public const string OverflowDimension = "otel.metric.overflow";

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Exported = new(Build);

    /// <summary>Metric name → dimension keys.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> All => Exported.Value;

    /// <summary>Names of our own distributions in milliseconds: the latency panels chart their quantiles.</summary>
    public static IEnumerable<string> OwnLatencyHistograms =>
        OwnMetricCatalog.All.Where(m => m.Kind == OwnInstrumentKind.Histogram && m.Unit == "ms").Select(m => m.Name);

    public static IEnumerable<string> Quantiles(string distribution) => QuantileSuffixes.Select(s => distribution + s);

    private static Dictionary<string, IReadOnlySet<string>> Build()
    {
        var metrics = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<string> keys)
        {
            if (!metrics.TryGetValue(name, out var set))
            {
                metrics[name] = set = new HashSet<string>(StringComparer.Ordinal) { OverflowDimension };
            }

            set.UnionWith(keys);
        }

        foreach (var own in OwnMetricCatalog.All)
        {
            Add(own.Name, own.AttributeKeys);
            if (own.Kind == OwnInstrumentKind.Histogram)
            {
                foreach (var quantile in Quantiles(own.Name))
                {
                    Add(quantile, own.AttributeKeys);
                }
            }
        }

        var catalog = TelemetryCatalog.Default;
        var counters = catalog.Events.Select(e => e.CountMetric.Name).ToHashSet(StringComparer.Ordinal);
        // As the export names them (AggregateMetricNames): a count metric under its own name, a distribution only as
        // its statistics, never under its bare name (which nothing writes), and family 001 under "ingested.".
        foreach (var metric in catalog.Metrics.Append(catalog.LatenessMetric))
        {
            var name = metric.Name.StartsWith("kafka.eventbus.", StringComparison.Ordinal) ? "ingested." + metric.Name : metric.Name;
            if (counters.Contains(metric.Name))
            {
                Add(name, metric.DimensionKeys);
                continue;
            }

            foreach (var statistic in DistributionSuffixes)
            {
                Add(name + statistic, metric.DimensionKeys);
            }
        }

        return metrics.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal);
    }
}
