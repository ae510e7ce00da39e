namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// One of our own metrics: exactly what the instrument is created with, and the attribute keys its
/// measurements carry, always in this order.
/// </summary>
public sealed record OwnMetric(
    string Name,
    string Unit,
    OwnInstrumentKind Kind,
    IReadOnlyList<string> AttributeKeys,
    string Description);
