using System.Runtime.InteropServices;

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
    private readonly Dictionary<long, int> _admittedPerMinute = [];
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
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, (metricId, minute), out _);
            if (count >= _maxSeriesPerMetric)
            {
                return false;
            }

            count++;
            _admitted.Add((minute, seriesId));
            CollectionsMarshal.GetValueRefOrAddDefault(_admittedPerMinute, minute, out _)++;
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

    /// <summary>Distinct (window, series) admissions remembered.</summary>
    public int AdmittedCount => _admitted.Count;

    /// <summary>Admissions remembered for windows before <paramref name="minute"/>: what a compaction would free.</summary>
    public int AdmittedBefore(long minute)
    {
        var total = 0;
        foreach (var (m, count) in _admittedPerMinute)
        {
            if (m < minute)
            {
                total += count;
            }
        }

        return total;
    }

    /// <summary>The series admitted in a window at or after <paramref name="openMinute"/>: what must survive a compaction.</summary>
    public IEnumerable<int> AdmittedSince(long openMinute) => _admitted.Where(a => a.Minute >= openMinute).Select(a => a.Series).Distinct();

    /// <summary>
    /// After the series registry was compacted: keeps the admissions of open windows (at or after
    /// <paramref name="openMinute"/>) under their new ids, and forgets which series closed windows admitted while keeping
    /// how many they did. A late event of a closed window then takes a new slot of its cap (so the cap can only tighten,
    /// never reopen), and memory holds one count per metric and window instead of one entry per series.
    /// Counts of metrics that no longer exist (<paramref name="keepMetric"/> false) are dropped.
    /// </summary>
    public void Compact(long openMinute, IReadOnlyDictionary<int, int> newIds, Func<int, bool> keepMetric)
    {
        var kept = _admitted.Where(a => a.Minute >= openMinute && newIds.ContainsKey(a.Series)).Select(a => (a.Minute, newIds[a.Series])).ToList();
        _admitted.Clear();
        _admitted.TrimExcess();
        _admitted.UnionWith(kept);
        _admittedPerMinute.Clear();
        foreach (var (minute, _) in kept)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_admittedPerMinute, minute, out _)++;
        }

        foreach (var key in _counts.Keys.Where(k => !keepMetric(k.Metric)).ToList())
        {
            _counts.Remove(key);
        }

        _lastMinute = [];
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
        _admittedPerMinute.Keys.Where(m => m < horizon).ToList().ForEach(m => _admittedPerMinute.Remove(m));
        return true;
    }
}
