using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Queries;

/// <summary>
/// The statistics seed 004 asks for, over a time range, merged exactly across source partitions and windows
/// (quantiles within the histogram's 1 % relative error). Values are in <see cref="Unit"/>; empty means Count 0 and NaN.
/// </summary>
public sealed record MetricSummary(
    string Metric,
    string Unit,
    IReadOnlyList<KeyValuePair<string, string>> Dimensions,
    long Count,
    double Sum,
    double Min,
    double Max,
    double Average,
    double P50,
    double P95,
    double P99,
    int SeriesCount)
{
    /// <summary>The merged distribution behind the figures, for callers that need more (e.g. other quantiles).</summary>
    public Distribution Distribution { get; init; } = new();

    public static MetricSummary From(string metric, string unit, IReadOnlyList<KeyValuePair<string, string>> dimensions, Distribution d, int seriesCount) =>
        new(metric, unit, dimensions, d.Count, d.Count == 0 ? 0 : d.Sum, d.Min, d.Max, d.Mean, d.Quantile(0.50), d.Quantile(0.95), d.Quantile(0.99), seriesCount)
        {
            Distribution = d,
        };
}
