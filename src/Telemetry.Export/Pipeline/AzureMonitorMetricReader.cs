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

    /// <param name="options">Our settings: connection string, interval, offline storage.</param>
    /// <param name="exporterOptions">The exporter options the host configured (its transport, its credential); ours are set on them.</param>
    public static MetricReader Create(ExportOptions options, AzureMonitorExporterOptions? exporterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        exporterOptions ??= new AzureMonitorExporterOptions();
        exporterOptions.ConnectionString = options.ConnectionString;
        exporterOptions.StorageDirectory = options.StorageDirectory;
        exporterOptions.EnableLiveMetrics = false;
        // Entra ID: the Application Insights resource may refuse instrumentation-key-only telemetry (local auth off).
        exporterOptions.Credential ??= options.CreateCredential();
        exporterOptions.Retry.NetworkTimeout = NetworkTimeout;

        var intervalMs = options.IntervalSeconds * 1000;
        var exporter = new AzureMonitorMetricExporter(exporterOptions);
        return new PeriodicExportingMetricReader(exporter, intervalMs, (int)Math.Min(intervalMs, NetworkTimeout.TotalMilliseconds))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
    }
}
