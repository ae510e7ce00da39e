using Telemetry.Domain.Diagnostics;

namespace Telemetry.Export.Pipeline;

/// <summary>The meters the export adds to OpenTelemetry, and the export's own health metrics.</summary>
internal static class TelemetryExportMeters
{
    /// <summary>Our own instruments (seed 001 and Kafee lifecycle), held by the domain's diagnostics singleton.</summary>
    public const string OwnMeterName = OwnMetricCatalog.MeterName;

    /// <summary>The core's minute aggregates of ingested telemetry, with their quantiles.</summary>
    public const string AggregatesMeterName = "Telemetry.Functions.Aggregates";

    public const string AggregatesDroppedMetricName = "telemetry.export.aggregates.dropped";

    public const string AggregatesFoldedMetricName = "telemetry.export.aggregates.folded";

    public const string SeriesOverflowedMetricName = "telemetry.export.series.overflowed";

    public const string AggregatesPendingMetricName = "telemetry.export.aggregates.pending";
}
