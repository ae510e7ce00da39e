namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Folds (minute, series, value) observations into one <see cref="Distribution"/> per series and tumbling
/// one-minute window of event time. Output is ordered by window, then series registration order, so the same
/// observations give the same list whatever the batch boundaries were.
/// </summary>
internal sealed class MinuteAggregator
{
    public const long WindowMs = 60_000;

    private readonly Dictionary<(long Minute, int Series), Distribution> _cells = [];

    public int CellCount => _cells.Count;

    /// <summary>The minute (Unix milliseconds / 60 000, floored) an event time falls in.</summary>
    public static long MinuteOf(long unixMs) => unixMs >= 0 ? unixMs / WindowMs : ((unixMs + 1) / WindowMs) - 1;

    public void Add(long minute, int seriesId, long micros)
    {
        ref var cell = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_cells, (minute, seriesId), out _);
        (cell ??= new Distribution()).RecordMicros(micros);
    }

    public IReadOnlyList<MinuteAggregate> ToAggregates(SeriesRegistry registry)
    {
        var keys = _cells.Keys.ToArray();
        Array.Sort(keys);
        var result = new MinuteAggregate[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var (minute, series) = keys[i];
            result[i] = new MinuteAggregate(registry[series], DateTimeOffset.FromUnixTimeMilliseconds(minute * WindowMs), _cells[keys[i]]);
        }

        return result;
    }
}
