namespace Telemetry.Export.Pipeline;

/// <summary>
/// The meter names one registration listens to. Always the defaults in the product; tests give each provider its
/// own aggregates meter, because a provider observes every meter of a name in the process and would otherwise
/// collect (and so take) another test's aggregates.
/// </summary>
internal sealed record ExportMeterNames(string Own, string Aggregates)
{
    public static ExportMeterNames Default { get; } = new(TelemetryExportMeters.OwnMeterName, TelemetryExportMeters.AggregatesMeterName);
}
