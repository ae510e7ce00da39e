using System.Diagnostics.Metrics;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// Gives our own millisecond histograms (seed 001's publish, consume and handler durations) the same per-minute
/// <c>.p50</c>/<c>.p95</c>/<c>.p99</c> as the ingested telemetry. Azure Monitor keeps only count, sum, min and max of
/// the OpenTelemetry histogram itself. Each measurement goes into the core's exact distribution for its series and
/// minute. A family-001 event with the same name and dimensions lands in the same series, so one quantile covers both.
/// </summary>
internal sealed class OwnHistogramQuantiles : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly AggregateMeter _meter;
    private readonly PendingAggregates _pending;
    private readonly TimeProvider _time;
    private readonly string _ownMeterName;

    public OwnHistogramQuantiles(AggregateMeter meter, PendingAggregates pending, TimeProvider time, string ownMeterName)
    {
        _meter = meter;
        _pending = pending;
        _time = time;
        _ownMeterName = ownMeterName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == _ownMeterName
                && instrument is Histogram<double>
                && OwnMetricCatalog.TryGet(instrument.Name, out var own)
                && own.Kind == OwnInstrumentKind.Histogram
                && own.Unit == "ms")
            {
                listener.EnableMeasurementEvents(instrument, own);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is not OwnMetric own || double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        try
        {
            var dimensions = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                dimensions[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }

            var series = new MetricSeries(own.Name, own.Unit, dimensions);
            var now = _time.GetUtcNow();
            var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
            var distribution = new Distribution();
            distribution.Record(value);
            if (_meter.TryRegister(series))
            {
                _pending.Add(new MinuteAggregate(series, minute, distribution));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            // A value the fixed-point distribution cannot hold: the histogram itself still has it.
        }
    }
}
