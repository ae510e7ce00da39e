using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Telemetry.Domain.Aggregation;
using Telemetry.Export.Pipeline;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// The meter through which the core's minute aggregates reach OpenTelemetry: one observable gauge per exported
/// statistic of each metric name, created when the name first appears. All gauges of one collection read the same
/// snapshot of ready aggregates, so a point's count, sum, min, max and quantiles always describe the same minutes.
/// </summary>
/// <remarks>
/// The snapshot turns over when a gauge that has already read the current one is observed again, which happens
/// exactly once per collection whatever order the SDK observes instruments in. With several metric readers the
/// aggregates go to the first reader that collects; the product registers one.
/// </remarks>
internal sealed partial class AggregateMeter : IDisposable
{
    /// <summary>Bounds the instruments (and the SDK storage behind them) that unknown event names can create.</summary>
    internal const int MaxMetricNames = 1_000;

    private readonly Meter _meter;
    private readonly PendingAggregates _pending;
    private readonly object _instrumentsGate = new();
    private readonly Dictionary<string, bool> _metrics = new(StringComparer.Ordinal);
    private readonly object _snapshotGate = new();
    private Snapshot _snapshot = new(0, []);
    private readonly int _maxSeriesPerMetric;
    private long _overflowedSeries;
    private long _rejectedByNameLimit;
    private long _rejectedByInvalidName;
    private readonly HeldPoints? _held;

    /// <param name="held">For a scraped publisher: keeps each series' last minute on show (see <see cref="HeldPoints"/>).</param>
    public AggregateMeter(PendingAggregates pending, string meterName, int maxSeriesPerMetric, HeldPoints? held = null)
    {
        _held = held;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeriesPerMetric, 2);
        _pending = pending;
        _maxSeriesPerMetric = maxSeriesPerMetric;
        _meter = new Meter(meterName);
        _meter.CreateObservableCounter(
            TelemetryExportMeters.AggregatesDroppedMetricName,
            ObserveDropped,
            "{aggregate}",
            "Minute aggregates not exported: buffer full (oldest dropped), too many metric names, or a name OpenTelemetry rejects.");
        _meter.CreateObservableCounter(
            TelemetryExportMeters.AggregatesFoldedMetricName,
            () => new Measurement<long>(_pending.Folded),
            "{window}",
            "Minute windows exported together with an earlier minute of the same series because a backlog became ready at once.");
        _meter.CreateObservableCounter(
            TelemetryExportMeters.SeriesOverflowedMetricName,
            () => new Measurement<long>(Interlocked.Read(ref _overflowedSeries)),
            "{series}",
            "Series merged into their metric's otel.metric.overflow=true point because one collection held more than Export:MaxSeriesPerMetric.");
        _meter.CreateObservableGauge(
            TelemetryExportMeters.AggregatesPendingMetricName,
            () => new Measurement<long>(_pending.Count),
            "{aggregate}",
            "Minute aggregates waiting for their minute to close.");
    }

    /// <summary>Makes sure the metric of <paramref name="series"/> has its gauges; false if it cannot be exported.</summary>
    public bool TryRegister(MetricSeries series)
    {
        lock (_instrumentsGate)
        {
            if (_metrics.TryGetValue(series.Name, out var accepted))
            {
                return accepted;
            }

            var statistics = AggregateMetricNames.StatisticsOf(series.Name, series.Unit);
            var names = statistics.Select(s => AggregateMetricNames.NameOf(series.Name, series.Unit, s)).ToArray();
            if (_metrics.Count >= MaxMetricNames)
            {
                Interlocked.Increment(ref _rejectedByNameLimit);
                return false;
            }

            if (!names.All(n => InstrumentName().IsMatch(n)))
            {
                _metrics.Add(series.Name, false);
                Interlocked.Increment(ref _rejectedByInvalidName);
                return false;
            }

            int generation;
            lock (_snapshotGate)
            {
                generation = _snapshot.Generation;
            }

            for (var i = 0; i < statistics.Count; i++)
            {
                // Marked as having read the current snapshot: it cannot hold this metric, whose data is added after.
                var slot = new Slot(series.Name, statistics[i], generation);
                var description = Describe(series.Name, statistics[i]);
                if (statistics[i] == AggregateStatistic.Count)
                {
                    var unit = AggregateMetricNames.IsCountMetric(series.Name, series.Unit) ? series.Unit : "{value}";
                    _meter.CreateObservableGauge(names[i], () => ObserveCount(slot), unit, description);
                }
                else
                {
                    _meter.CreateObservableGauge(names[i], () => ObserveValue(slot), series.Unit, description);
                }
            }

            _metrics.Add(series.Name, true);
            return true;
        }
    }

    public void Dispose() => _meter.Dispose();

    private static string Describe(string metric, AggregateStatistic statistic) => statistic switch
    {
        AggregateStatistic.Count => $"Values of {metric} recorded in the minute.",
        AggregateStatistic.Sum => $"Sum of {metric} over the minute.",
        AggregateStatistic.Min => $"Smallest {metric} in the minute.",
        AggregateStatistic.Max => $"Largest {metric} in the minute.",
        _ => $"{statistic.ToString().ToUpperInvariant()} of {metric} over the minute (relative error at most 1 %).",
    };

    private Measurement<long>[] ObserveCount(Slot slot)
    {
        var points = PointsFor(slot);
        var measurements = new Measurement<long>[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            measurements[i] = new Measurement<long>(points[i].Count, points[i].Tags);
        }

        return measurements;
    }

    private Measurement<double>[] ObserveValue(Slot slot)
    {
        var points = PointsFor(slot);
        var measurements = new Measurement<double>[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            measurements[i] = new Measurement<double>(points[i].ValueOf(slot.Statistic), points[i].Tags);
        }

        return measurements;
    }

    private List<ExportedPoint> PointsFor(Slot slot)
    {
        Snapshot snapshot;
        lock (_snapshotGate)
        {
            if (slot.LastGeneration == _snapshot.Generation)
            {
                var fresh = Group(_pending.TakeReady());
                _snapshot = new Snapshot(_snapshot.Generation + 1, _held is null ? fresh : _held.Merge(fresh));
            }

            slot.LastGeneration = _snapshot.Generation;
            snapshot = _snapshot;
        }

        return snapshot.ByMetric.TryGetValue(slot.MetricName, out var points) ? points : [];
    }

    /// <summary>
    /// Groups the ready aggregates by metric. Past <see cref="_maxSeriesPerMetric"/> series in one collection, the
    /// smallest series are merged, exactly, into the metric's overflow series (as the core does past its own cap):
    /// the SDK's storage per instrument is sized by that bound and would otherwise fold them into a last-value point.
    /// </summary>
    private Dictionary<string, List<ExportedPoint>> Group(List<PendingAggregates.ReadyAggregate> ready)
    {
        var byMetric = new Dictionary<string, List<ExportedPoint>>(StringComparer.Ordinal);
        foreach (var metric in ready.GroupBy(r => r.Series.Name, StringComparer.Ordinal))
        {
            var series = metric.ToList();
            var points = new List<ExportedPoint>(Math.Min(series.Count, _maxSeriesPerMetric));
            if (series.Count <= _maxSeriesPerMetric)
            {
                points.AddRange(series.Select(r => new ExportedPoint(r.Series, r.Distribution, r.Windows)));
            }
            else
            {
                var ordered = series
                    .Where(r => r.Series[OverflowKey] is null)
                    .OrderByDescending(r => r.Distribution.Count)
                    .ThenBy(r => r.Series.ToString(), StringComparer.Ordinal)
                    .ToList();
                var kept = ordered.Take(_maxSeriesPerMetric - 1).ToList();
                var overflow = new Distribution();
                var windows = 1;
                var folded = 0;
                foreach (var r in series.Except(kept))
                {
                    overflow.Merge(r.Distribution);
                    windows = Math.Max(windows, r.Windows);
                    folded += r.Series[OverflowKey] is null ? 1 : 0;
                }

                Interlocked.Add(ref _overflowedSeries, folded);
                points.AddRange(kept.Select(r => new ExportedPoint(r.Series, r.Distribution, r.Windows)));
                var first = series[0].Series;
                points.Add(new ExportedPoint(new MetricSeries(first.Name, first.Unit, [new(OverflowKey, "true")]), overflow, windows));
            }

            byMetric.Add(metric.Key, points);
        }

        return byMetric;
    }

    private const string OverflowKey = "otel.metric.overflow";

    private IEnumerable<Measurement<long>> ObserveDropped() =>
    [
        new(_pending.Dropped, new KeyValuePair<string, object?>("reason", "buffer_full")),
        new(Interlocked.Read(ref _rejectedByNameLimit), new KeyValuePair<string, object?>("reason", "metric_limit")),
        new(Interlocked.Read(ref _rejectedByInvalidName), new KeyValuePair<string, object?>("reason", "invalid_name")),
    ];

    // OpenTelemetry's instrument name rule; the SDK silently ignores instruments whose names break it.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_./-]{0,254}$")]
    private static partial Regex InstrumentName();

    private sealed class Slot(string metricName, AggregateStatistic statistic, int generation)
    {
        public string MetricName { get; } = metricName;

        public AggregateStatistic Statistic { get; } = statistic;

        /// <summary>The last snapshot this gauge read; guarded by the snapshot gate.</summary>
        public int LastGeneration { get; set; } = generation;
    }

    private sealed record Snapshot(int Generation, Dictionary<string, List<ExportedPoint>> ByMetric);
}
