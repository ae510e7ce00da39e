namespace Telemetry.Domain.Diagnostics;

/// <summary>Which part of the product creates a catalog metric's instrument on the shared meter.</summary>
public enum OwnMetricComponent
{
    /// <summary>Created by <see cref="OwnTelemetry"/>.</summary>
    Core = 0,

    /// <summary>Created by the pollers (<c>Telemetry.Pollers</c>) on <see cref="OwnTelemetry.Meter"/>.</summary>
    Pollers = 1,
}
