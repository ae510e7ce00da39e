using System.Diagnostics.Metrics;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Domain.Tests.Diagnostics;

/// <summary>A real <see cref="MeterListener"/> that listens to one <see cref="OwnTelemetry"/> instance only, so tests running in parallel never see each other's measurements.</summary>
internal sealed class OwnTelemetryListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedMeasurement> _measurements = [];

    public OwnTelemetryListener(OwnTelemetry telemetry)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, telemetry.Meter))
            {
                Instruments.Add(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public List<Instrument> Instruments { get; } = [];

    public IReadOnlyList<RecordedMeasurement> Measurements
    {
        get
        {
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    public void CollectGauges() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new RecordedMeasurement(instrument.Name, value, tags.ToArray());
        lock (_measurements)
        {
            _measurements.Add(measurement);
        }
    }
}
