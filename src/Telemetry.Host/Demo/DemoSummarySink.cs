using Telemetry.Domain.Aggregation;

namespace Telemetry.Host.Demo;

/// <summary>Merges every finalised batch's aggregates per (minute, metric) for the demo's closing summary.</summary>
internal sealed class DemoSummarySink : IAggregateSink
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<(DateTimeOffset Window, string Metric), (string Unit, Distribution Distribution)> perMinute = [];
    private readonly SortedDictionary<string, int> notable = new(StringComparer.Ordinal);

    public Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (this.gate)
        {
            foreach (var a in batch.Aggregates)
            {
                var key = (a.WindowStart, a.Series.Name);
                if (!this.perMinute.TryGetValue(key, out var cell))
                {
                    this.perMinute[key] = cell = (a.Series.Unit, new Distribution());
                }

                cell.Distribution.Merge(a.Distribution);
            }

            foreach (var n in batch.NotableEvents)
            {
                this.notable[n.Kind.ToString()] = this.notable.GetValueOrDefault(n.Kind.ToString()) + 1;
            }
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<(DateTimeOffset Window, string Metric, string Unit, Distribution Distribution)> Rows()
    {
        lock (this.gate)
        {
            return [.. this.perMinute.Select(kv => (kv.Key.Window, kv.Key.Metric, kv.Value.Unit, kv.Value.Distribution.Clone()))];
        }
    }

    public IReadOnlyDictionary<string, int> Notable()
    {
        lock (this.gate)
        {
            return new Dictionary<string, int>(this.notable, StringComparer.Ordinal);
        }
    }
}
