namespace Telemetry.Domain.Diagnostics;

/// <summary>The kind of a <see cref="System.Diagnostics.Metrics"/> instrument, as seed 001 names them.</summary>
public enum OwnInstrumentKind
{
    Counter = 0,
    Histogram = 1,
    ObservableGauge = 2,
}
