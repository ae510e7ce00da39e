using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>
/// A real <see cref="MeterListener"/> on the instruments one test's service provider created (matched by the meter's
/// scope, its own <see cref="IMeterFactory"/>), so parallel tests never see each other's measurements.
/// </summary>
internal sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricCapture(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _measurements.Enqueue((i.Name, i.Unit, v, t.ToArray())));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _measurements.Enqueue((i.Name, i.Unit, v, t.ToArray())));
        _listener.Start();
    }

    /// <summary>Collects the observable gauges now and returns everything measured so far, then forgets it.</summary>
    public IReadOnlyList<(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)> Collect()
    {
        _listener.RecordObservableInstruments();
        var list = new List<(string, string?, double, KeyValuePair<string, object?>[])>();
        while (_measurements.TryDequeue(out var m))
        {
            list.Add(m);
        }

        return list;
    }

    public void Dispose() => _listener.Dispose();
}
