namespace Telemetry.Ledger.Queries;

/// <summary>
/// One metric over [<see cref="From"/>, <see cref="To"/>): either one series (give all its dimensions) or every
/// series whose dimensions include <see cref="Dimensions"/> (merged, or per series with
/// <see cref="LedgerQueries.GetMetricBySeriesAsync"/>).
/// </summary>
public sealed record MetricQuery(string Metric, DateTimeOffset From, DateTimeOffset To)
{
    public IReadOnlyDictionary<string, string> Dimensions { get; init; } = new Dictionary<string, string>();

    public QueryResolution Resolution { get; init; } = QueryResolution.Auto;
}
