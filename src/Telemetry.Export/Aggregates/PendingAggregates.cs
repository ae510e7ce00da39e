using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// Minute aggregates waiting for export, merged per (series, minute) as batches and partitions deliver their parts.
/// A minute becomes ready once it has ended and the grace period has passed, so in steady state each series reaches
/// Azure Monitor once per minute with that minute's exact numbers. Bounded: past the capacity the oldest entry is
/// dropped and counted, so a stalled exporter costs memory up to the bound and never slows the caller.
/// </summary>
internal sealed class PendingAggregates
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _index = [];
    private readonly LinkedList<Entry> _arrival = new();
    private readonly int _capacity;
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private long _dropped;
    private long _folded;

    public PendingAggregates(int capacity, TimeSpan grace, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _grace = grace;
        _time = time;
    }

    /// <summary>(series, minute) aggregates dropped because the buffer was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Minute windows folded into a neighbour's point because a backlog became ready at once.</summary>
    public long Folded => Interlocked.Read(ref _folded);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    public void Add(MinuteAggregate aggregate)
    {
        if (aggregate.Distribution.Count == 0)
        {
            return;
        }

        var key = new Key(aggregate.Series, aggregate.WindowStart);
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var existing))
            {
                existing.Value.Distribution.Merge(aggregate.Distribution);
                return;
            }

            if (_index.Count >= _capacity)
            {
                var oldest = _arrival.First!;
                _arrival.RemoveFirst();
                _index.Remove(oldest.Value.Key);
                Interlocked.Increment(ref _dropped);
            }

            // A copy: the core may reuse its distributions once the sink returns.
            var copy = new Distribution();
            copy.Merge(aggregate.Distribution);
            _index.Add(key, _arrival.AddLast(new Entry(key, copy)));
        }
    }

    /// <summary>
    /// Removes the minutes that are ready and returns one point per series. Several ready minutes of one series (a
    /// catch-up after lag or an outage) are merged into one point: a gauge keeps one value per series per collection,
    /// and merging keeps counts and sums whole where exporting one minute and holding the rest would let the backlog grow.
    /// </summary>
    public List<ReadyAggregate> TakeReady()
    {
        var cutoff = _time.GetUtcNow() - Window - _grace;
        var ready = new Dictionary<MetricSeries, (Distribution Distribution, int Windows)>();
        lock (_gate)
        {
            var node = _arrival.First;
            while (node is not null)
            {
                var next = node.Next;
                var entry = node.Value;
                if (entry.Key.WindowStart <= cutoff)
                {
                    _arrival.Remove(node);
                    _index.Remove(entry.Key);
                    if (ready.TryGetValue(entry.Key.Series, out var found))
                    {
                        found.Distribution.Merge(entry.Distribution);
                        ready[entry.Key.Series] = (found.Distribution, found.Windows + 1);
                        Interlocked.Increment(ref _folded);
                    }
                    else
                    {
                        ready.Add(entry.Key.Series, (entry.Distribution, 1));
                    }
                }

                node = next;
            }
        }

        var points = new List<ReadyAggregate>(ready.Count);
        foreach (var (series, (distribution, windows)) in ready)
        {
            points.Add(new ReadyAggregate(series, distribution, windows));
        }

        return points;
    }

    /// <summary>A series' merged distribution over the ready minutes, and how many minutes it covers.</summary>
    internal readonly record struct ReadyAggregate(MetricSeries Series, Distribution Distribution, int Windows);

    private readonly record struct Key(MetricSeries Series, DateTimeOffset WindowStart);

    private sealed record Entry(Key Key, Distribution Distribution);
}
