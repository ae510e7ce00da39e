using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// The naming contract of what reaches Azure Monitor: a name means one thing. Our pipeline's own health keeps seed
/// 001's instrument names, <c>kafka.eventbus.*</c>, which the seed reserves for the event bus that emits them, and that
/// is us. Family 001 of the ingested telemetry is the monitored systems' event buses reporting the same signals under
/// the same names; exported as they are, their handler durations would merge into our own quantiles and their
/// rebalances into our rebalance alert. So an ingested metric under one of our reserved prefixes is exported under
/// <see cref="Prefix"/> + its name (<c>ingested.kafka.eventbus.handler.duration.p99</c>). Every other ingested name
/// (Kafee, Snakepit, EMQTT, Event Pipeline) is exported as the catalog names it: none equals one of ours, which a test
/// checks for the whole catalog.
/// </summary>
internal static class IngestedMetricNames
{
    /// <summary>What an ingested metric under a reserved prefix is exported under, before its own name.</summary>
    public const string Prefix = "ingested.";

    /// <summary>Name prefixes that belong to our own instruments (seed 001's event bus metrics).</summary>
    public static IReadOnlyList<string> ReservedPrefixes { get; } = ["kafka.eventbus."];

    /// <summary>The name under which an ingested metric is exported (before its <c>.count</c>/<c>.p95</c>/... statistic).</summary>
    public static string ExportName(string metricName)
    {
        ArgumentException.ThrowIfNullOrEmpty(metricName);
        foreach (var reserved in ReservedPrefixes)
        {
            if (metricName.StartsWith(reserved, StringComparison.Ordinal))
            {
                return Prefix + metricName;
            }
        }

        return metricName;
    }

    /// <summary>The aggregate as exported: the same distribution and dimensions, under its export name.</summary>
    internal static MinuteAggregate Exported(MinuteAggregate aggregate)
    {
        var name = ExportName(aggregate.Series.Name);
        return ReferenceEquals(name, aggregate.Series.Name)
            ? aggregate
            : aggregate with { Series = new MetricSeries(name, aggregate.Series.Unit, aggregate.Series.Dimensions) };
    }
}
