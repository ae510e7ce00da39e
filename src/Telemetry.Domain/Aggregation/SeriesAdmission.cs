namespace Telemetry.Domain.Aggregation;

/// <summary>
/// The per-metric cardinality cap: at most N distinct series of one metric in one minute window (per partition).
/// A series admitted once for a window stays admitted, so replays within the process agree; series past the cap
/// fold into the metric's overflow series. Windows far behind the newest one are forgotten.
/// </summary>
internal sealed class SeriesAdmission
{
    // A day of windows: late events older than this are re-admitted from scratch, which only matters for the cap.
    public const long RetainedMinutes = 24 * 60;

    private readonly int _maxSeriesPerMetric;
    private readonly Dictionary<(int Metric, long Minute), int> _counts = [];
    private readonly HashSet<(long Minute, int Series)> _admitted = [];
    private long[] _lastMinute = [];
    private long _prunedAt;

    public SeriesAdmission(int maxSeriesPerMetric) => _maxSeriesPerMetric = maxSeriesPerMetric;

    public bool IsFull(int metricId, long minute) => _counts.GetValueOrDefault((metricId, minute)) >= _maxSeriesPerMetric;

    /// <summary>True when the series may be used in the window; false when it must fold into overflow.</summary>
    public bool TryAdmit(int seriesId, int metricId, long minute)
    {
        // Fast path: nearly every event lands in the same minute as the previous one of its series.
        if (seriesId < _lastMinute.Length && _lastMinute[seriesId] == minute)
        {
            return true;
        }

        if (!_admitted.Contains((minute, seriesId)))
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, (metricId, minute), out _);
            if (count >= _maxSeriesPerMetric)
            {
                return false;
            }

            count++;
            _admitted.Add((minute, seriesId));
        }

        if (seriesId >= _lastMinute.Length)
        {
            var grown = new long[Math.Max(64, Math.Max(seriesId + 1, _lastMinute.Length * 2))];
            Array.Fill(grown, long.MinValue);
            _lastMinute.CopyTo(grown, 0);
            _lastMinute = grown;
        }

        _lastMinute[seriesId] = minute;
        return true;
    }

    /// <summary>Forgets windows more than a day behind <paramref name="newestMinute"/>; true when it looked (hourly).</summary>
    public bool Prune(long newestMinute)
    {
        if (newestMinute - _prunedAt < 60)
        {
            return false;
        }

        _prunedAt = newestMinute;
        var horizon = newestMinute - RetainedMinutes;
        _counts.Keys.Where(k => k.Minute < horizon).ToList().ForEach(k => _counts.Remove(k));
        _admitted.RemoveWhere(k => k.Minute < horizon);
        return true;
    }
}
