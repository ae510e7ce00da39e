namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Folds (minute, series, value) observations into one <see cref="Distribution"/> per series and tumbling
/// one-minute window of event time. Output is ordered by window, then series registration order, so the same
/// observations give the same list whatever the batch boundaries were.
/// </summary>
internal sealed class MinuteAggregator
{
    public const long WindowMs = 60_000;

    private readonly Dictionary<(long Minute, int Series), MinuteAggregate> _cells = [];
    private readonly List<(long Minute, int Series)> _keys = [];
    private readonly Dictionary<(long Minute, int Series), (MinuteAggregate Aggregate, int Generation)>? _pool;
    private List<MinuteAggregate>? _pooledList;
    private int _pooledListGeneration = -1;
    private SeriesRegistry _registry = null!;
    private int _generation;

    /// <param name="reuse">
    /// Keep the aggregates of earlier generations and refill them in later ones (no allocation at steady state).
    /// Only for hosts whose sinks copy what they need before the next batch is decoded.
    /// </param>
    public MinuteAggregator(bool reuse = false) => _pool = reuse ? [] : null;

    /// <summary>Starts one materialisation; aggregates handed out in earlier generations may be reused.</summary>
    public void Begin(SeriesRegistry registry, int generation)
    {
        _registry = registry;
        _generation = generation;
        _cells.Clear();
    }

    /// <summary>The minute (Unix milliseconds / 60 000, floored) an event time falls in.</summary>
    public static long MinuteOf(long unixMs) => unixMs >= 0 ? unixMs / WindowMs : ((unixMs + 1) / WindowMs) - 1;

    public void Add(long minute, int seriesId, long micros)
    {
        ref var cell = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_cells, (minute, seriesId), out var exists);
        if (!exists)
        {
            cell = Rent(minute, seriesId);
        }

        cell!.Distribution.RecordMicros(micros);
    }

    /// <summary>The aggregates of this materialisation, ordered by window then series registration.</summary>
    public IReadOnlyList<MinuteAggregate> ToAggregates()
    {
        _keys.Clear();
        foreach (var key in _cells.Keys)
        {
            _keys.Add(key);
        }

        _keys.Sort();
        List<MinuteAggregate> result;
        if (_pool is not null && _pooledListGeneration != _generation)
        {
            result = _pooledList ??= new List<MinuteAggregate>(_keys.Count);
            result.Clear();
            _pooledListGeneration = _generation;
        }
        else
        {
            result = new List<MinuteAggregate>(_keys.Count);
        }

        foreach (var key in _keys)
        {
            result.Add(_cells[key]);
        }

        _cells.Clear();
        return result;
    }

    private MinuteAggregate Rent(long minute, int seriesId)
    {
        if (_pool is not null)
        {
            ref var pooled = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pool, (minute, seriesId), out var exists);
            if (exists && pooled.Generation != _generation)
            {
                pooled.Generation = _generation;
                pooled.Aggregate.Distribution.Reset();
                return pooled.Aggregate;
            }

            if (!exists)
            {
                pooled = (New(minute, seriesId), _generation);
                return pooled.Aggregate;
            }
        }

        return New(minute, seriesId);
    }

    private MinuteAggregate New(long minute, int seriesId) =>
        new(_registry[seriesId], DateTimeOffset.FromUnixTimeMilliseconds(minute * WindowMs), new Distribution());

    /// <summary>Forgets pooled windows older than <paramref name="oldestMinute"/>.</summary>
    public void Prune(long oldestMinute)
    {
        if (_pool is { Count: > 0 })
        {
            foreach (var key in _pool.Keys)
            {
                if (key.Minute < oldestMinute)
                {
                    _pool.Remove(key);
                }
            }
        }
    }
}
