using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Export.Configuration;

namespace Telemetry.Export.Pipeline;

/// <summary>Says once, at start, whether and where metrics are exported. Logs the ingestion host, never the key.</summary>
internal sealed class ExportStartupReport(IOptions<ExportOptions> options, ExportWiring wiring, IServiceProvider services, ILogger<ExportStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.IsExportEnabled)
        {
            // Starts listening to our own latency histograms, whose quantiles are exported with the aggregates.
            _ = services.GetService(typeof(Aggregates.OwnHistogramQuantiles));
        }

        if (!o.IsExportEnabled)
        {
            logger.ExportOff(ExportOptions.ConnectionStringKey);
        }
        else if (!wiring.OwnsExporter)
        {
            logger.ExportThroughHost(TelemetryExportMeters.OwnMeterName, TelemetryExportMeters.AggregatesMeterName);
        }
        else
        {
            var endpoint = IngestionConnectionString.TryParse(o.ConnectionString, out var parsed, out _) ? parsed!.EndpointForLog : "(invalid)";
            var authentication = IngestionAuthentication.TryParse(o.AuthenticationString, out var identity, out _)
                ? "Entra ID, " + identity!.IdentityForLog
                : "instrumentation key only";
            logger.ExportOn(
                endpoint,
                authentication,
                o.IntervalSeconds,
                o.ServiceName,
                o.CloudRoleInstance,
                o.StorageDirectory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
