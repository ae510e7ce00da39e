using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Telemetry.Export.Configuration;

namespace Telemetry.Export.Pipeline;

/// <summary>
/// Builds the reader that sends metrics to Azure Monitor. Exporter 1.10.0's <c>AddAzureMonitorMetricExporter</c>
/// fixes its periodic reader at 60 s, so the exporter is wrapped in our own periodic reader to honour
/// <c>Export:IntervalSeconds</c>, with the delta temporality Azure Monitor expects.
/// </summary>
internal static class AzureMonitorMetricReader
{
    /// <summary>Upper bound of one send; a hung endpoint then delays only the reader's own thread, and only this long.</summary>
    internal static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(30);

    public static MetricReader Create(ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exporterOptions = new AzureMonitorExporterOptions
        {
            ConnectionString = options.ConnectionString,
            StorageDirectory = options.StorageDirectory,
            EnableLiveMetrics = false,
        };
        exporterOptions.Retry.NetworkTimeout = NetworkTimeout;

        var intervalMs = options.IntervalSeconds * 1000;
        var exporter = new AzureMonitorMetricExporter(exporterOptions);
        return new PeriodicExportingMetricReader(exporter, intervalMs, (int)Math.Min(intervalMs, NetworkTimeout.TotalMilliseconds))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
    }
}
