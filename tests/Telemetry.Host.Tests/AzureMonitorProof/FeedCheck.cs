using Telemetry.Host.Tests.Infrastructure;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// Compares what each deployed query reads with what ingestion received: a metric name it filters on with no data
/// point, a prefix no received name starts with, a customDimensions key that no point of the query's metrics carries
/// (non-empty), a dimension value it filters on that none carries. One line per gap, naming the query.
/// </summary>
internal static class FeedCheck
{
    public static IReadOnlyList<string> Gaps(IEnumerable<QueryReads> queries, IReadOnlyList<TrackedMetric> received)
    {
        var byName = received.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var gaps = new List<string>();
        foreach (var query in queries)
        {
            var read = new List<TrackedMetric>();
            foreach (var name in query.Names.Order(StringComparer.Ordinal))
            {
                if (byName.TryGetValue(name, out var points))
                {
                    read.AddRange(points);
                }
                else
                {
                    gaps.Add($"{query.Source} '{query.Title}': no data under metric name '{name}'");
                }
            }

            foreach (var prefix in query.Prefixes.Order(StringComparer.Ordinal))
            {
                var points = received.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (points.Count == 0)
                {
                    gaps.Add($"{query.Source} '{query.Title}': no data under a name starting with '{prefix}'");
                }

                read.AddRange(points);
            }

            if (read.Count == 0)
            {
                continue;
            }

            foreach (var key in query.DimensionKeys.Order(StringComparer.Ordinal))
            {
                if (!read.Any(p => p.CustomDimensions.TryGetValue(key, out var value) && value.Length > 0))
                {
                    gaps.Add($"{query.Source} '{query.Title}': no point of its metrics carries customDimensions[\"{key}\"]");
                }
            }

            foreach (var (key, value) in query.DimensionValues.Order())
            {
                if (!read.Any(p => p.CustomDimensions.TryGetValue(key, out var v) && v == value))
                {
                    gaps.Add($"{query.Source} '{query.Title}': no point of its metrics has {key} == \"{value}\"");
                }
            }
        }

        return gaps;
    }
}
