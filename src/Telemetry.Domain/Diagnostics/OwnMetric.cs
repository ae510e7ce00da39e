namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// One of our own metrics: exactly what the instrument is created with, and the attribute keys its
/// measurements carry, always in this order (a poller's group-level reading may leave out the leading
/// partition key, see its description). <see cref="Component"/> says who creates the instrument.
/// </summary>
public sealed record OwnMetric(
    string Name,
    string Unit,
    OwnInstrumentKind Kind,
    IReadOnlyList<string> AttributeKeys,
    string Description,
    OwnMetricComponent Component = OwnMetricComponent.Core);
