using System.Diagnostics.Metrics;
using System.Globalization;

namespace Telemetry.Host.Demo;

/// <summary>
/// Reads the pollers' gauges the way an exporter does: a <see cref="MeterListener"/> on the host's own meter that
/// collects the observable instruments on demand. The demo prints what Azure Monitor would receive.
/// </summary>
internal sealed class PollerGauges : IDisposable
{
    private static readonly string[] Prefixes = ["kafka.eventbus.consumer.lag", "mqtt.broker.", "snakepit.pool."];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<GaugeReading>? _collecting;

    public PollerGauges(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && Prefixes.Any(p => instrument.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>Every poller gauge series now, ordered by name and attributes.</summary>
    public IReadOnlyList<GaugeReading> Read()
    {
        lock (_gate)
        {
            _collecting = [];
            _listener.RecordObservableInstruments();
            var readings = _collecting;
            _collecting = null;
            return [.. readings.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Attributes, StringComparer.Ordinal)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Counters report outside a collection; only gauges read during Read() count.
        if (_collecting is null || instrument is not (ObservableGauge<double> or ObservableGauge<long> or ObservableGauge<int>))
        {
            return;
        }

        var attributes = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            attributes.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        _collecting.Add(new GaugeReading(instrument.Name, instrument.Unit ?? string.Empty, attributes, value));
    }
}
