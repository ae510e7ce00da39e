using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// Keeps each series' latest minute on show for a while, for a publisher that is scraped rather than pushed to. An
/// aggregate is otherwise observed by exactly one collection; Prometheus would see it in one scrape and mark it stale at
/// the next, so its gauges would read empty almost all the time. Held, a gauge reads "the last closed minute" until a
/// newer minute replaces it or <see cref="_hold"/> passes without one (a series that stopped then goes stale).
/// </summary>
internal sealed class HeldPoints(TimeSpan hold, int maxSeriesPerMetric, TimeProvider time)
{
    private readonly TimeSpan _hold = hold;
    private readonly Dictionary<string, Dictionary<MetricSeries, (ExportedPoint Point, DateTimeOffset At)>> _held = new(StringComparer.Ordinal);

    /// <summary>Adds a collection's fresh points and returns everything on show. Called under the meter's snapshot lock.</summary>
    public Dictionary<string, List<ExportedPoint>> Merge(Dictionary<string, List<ExportedPoint>> fresh)
    {
        var now = time.GetUtcNow();
        foreach (var (metric, points) in fresh)
        {
            if (!_held.TryGetValue(metric, out var series))
            {
                series = [];
                _held.Add(metric, series);
            }

            foreach (var point in points)
            {
                series[point.Series] = (point, now);
            }
        }

        var shown = new Dictionary<string, List<ExportedPoint>>(_held.Count, StringComparer.Ordinal);
        foreach (var (metric, series) in _held)
        {
            foreach (var expired in series.Where(s => now - s.Value.At > _hold).Select(s => s.Key).ToList())
            {
                series.Remove(expired);
            }

            // The SDK's storage per metric is sized for maxSeriesPerMetric: past it, the oldest held series go first.
            foreach (var oldest in series.OrderBy(s => s.Value.At).Take(series.Count - maxSeriesPerMetric).Select(s => s.Key).ToList())
            {
                series.Remove(oldest);
            }

            if (series.Count > 0)
            {
                shown.Add(metric, [.. series.Values.Select(v => v.Point)]);
            }
        }

        return shown;
    }
}
