using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Telemetry.Pollers.Diagnostics;

/// <summary>
/// The latest value of each poller gauge series. Pollers write after each run; observable gauges read at collection
/// time. A series a poller no longer sees (a broker now down, a partition gone) is removed, not left frozen.
/// </summary>
internal sealed class GaugeReadings
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Measurement<double>>> _series = new(StringComparer.Ordinal);

    public void Set(string instrument, double value, params KeyValuePair<string, object?>[] tags)
    {
        var series = _series.GetOrAdd(instrument, static _ => new ConcurrentDictionary<string, Measurement<double>>(StringComparer.Ordinal));
        series[SeriesKey(tags)] = new Measurement<double>(value, tags);
    }

    /// <summary>
    /// Makes <paramref name="measurements"/> the series of <paramref name="instrument"/> whose attribute <paramref name="key"/>
    /// equals <paramref name="value"/>: new values are written before stale series go, so a collection in between never
    /// sees a hole.
    /// </summary>
    public void Replace(string instrument, string key, string value, IReadOnlyList<Measurement<double>> measurements)
    {
        var series = _series.GetOrAdd(instrument, static _ => new ConcurrentDictionary<string, Measurement<double>>(StringComparer.Ordinal));
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in measurements)
        {
            var tags = m.Tags.ToArray();
            var seriesKey = SeriesKey(tags);
            series[seriesKey] = m;
            keep.Add(seriesKey);
        }

        foreach (var (seriesKey, measurement) in series)
        {
            if (!keep.Contains(seriesKey) && HasTag(measurement, key, value))
            {
                series.TryRemove(seriesKey, out _);
            }
        }
    }

    /// <summary>Drops every series of <paramref name="instrument"/> whose attribute <paramref name="key"/> equals <paramref name="value"/>.</summary>
    public void Remove(string instrument, string key, string value)
    {
        if (!_series.TryGetValue(instrument, out var series))
        {
            return;
        }

        foreach (var (seriesKey, measurement) in series)
        {
            if (HasTag(measurement, key, value))
            {
                series.TryRemove(seriesKey, out _);
            }
        }
    }

    private static bool HasTag(Measurement<double> measurement, string key, string value)
    {
        foreach (var tag in measurement.Tags)
        {
            if (tag.Key == key && string.Equals(tag.Value?.ToString(), value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public IEnumerable<Measurement<double>> Observe(string instrument) =>
        _series.TryGetValue(instrument, out var series) ? series.Values.ToArray() : [];

    public bool TryGet(string instrument, out double value, params KeyValuePair<string, object?>[] tags)
    {
        value = 0;
        if (_series.TryGetValue(instrument, out var series) && series.TryGetValue(SeriesKey(tags), out var measurement))
        {
            value = measurement.Value;
            return true;
        }

        return false;
    }

    private static string SeriesKey(KeyValuePair<string, object?>[] tags) =>
        string.Join('\u001f', tags.Select(t => t.Key + "=" + t.Value));
}
