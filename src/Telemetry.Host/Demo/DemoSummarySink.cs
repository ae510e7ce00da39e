using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;

namespace Telemetry.Host.Demo;

/// <summary>
/// Merges every finalised batch's aggregates per (minute, metric) for the demo's closing summary, and counts events
/// per topic and family from the occurrence counters, so the summary can be checked against what was produced.
/// </summary>
internal sealed class DemoSummarySink : IAggregateSink
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<(DateTimeOffset Window, string Metric), (string Unit, Distribution Distribution)> _perMinute = [];
    private readonly SortedDictionary<string, int> _notable = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, TelemetryFamily Family), long> _families = [];

    public Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            foreach (var a in batch.Aggregates)
            {
                var key = (a.WindowStart, a.Series.Name);
                if (!_perMinute.TryGetValue(key, out var cell))
                {
                    _perMinute[key] = cell = (a.Series.Unit, new Distribution());
                }

                cell.Distribution.Merge(a.Distribution);
            }

            foreach (var (family, count) in FamilyCounts.Of(batch.Aggregates))
            {
                _families[(batch.Topic, family)] = _families.GetValueOrDefault((batch.Topic, family)) + count;
            }

            foreach (var n in batch.NotableEvents)
            {
                _notable[n.Kind.ToString()] = _notable.GetValueOrDefault(n.Kind.ToString()) + 1;
            }
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<(DateTimeOffset Window, string Metric, string Unit, Distribution Distribution)> Rows()
    {
        lock (_gate)
        {
            return [.. _perMinute.Select(kv => (kv.Key.Window, kv.Key.Metric, kv.Value.Unit, kv.Value.Distribution.Clone()))];
        }
    }

    public IReadOnlyDictionary<string, int> Notable()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_notable, StringComparer.Ordinal);
        }
    }

    /// <summary>Events aggregated from <paramref name="topic"/>, per family.</summary>
    public IReadOnlyDictionary<TelemetryFamily, long> Families(string topic)
    {
        lock (_gate)
        {
            return _families.Where(kv => kv.Key.Topic == topic).ToDictionary(kv => kv.Key.Family, kv => kv.Value);
        }
    }
}
