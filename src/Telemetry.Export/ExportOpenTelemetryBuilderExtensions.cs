using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Telemetry.Export.Configuration;
using Telemetry.Export.Pipeline;

namespace OpenTelemetry;

/// <summary>Adds our meters to an OpenTelemetry pipeline whose exporter someone else registers.</summary>
public static class ExportOpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Adds the meters <c>Telemetry.Functions</c> (our own seed-001 and Kafee instruments) and
    /// <c>Telemetry.Functions.Aggregates</c> (the core's minute aggregates and their quantiles), the view that sizes
    /// the aggregates' series storage, and the aggregate sink, but no exporter: in the Functions app
    /// <c>UseAzureMonitorExporter()</c> already registers one, and a second would send every metric twice.
    /// </summary>
    public static IOpenTelemetryBuilder AddTelemetryExport(this IOpenTelemetryBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(MetersAdded)))
        {
            return builder;
        }

        builder.Services.AddSingleton<MetersAdded>();
        builder.Services.AddTelemetryExportCore();
        builder.WithMetrics();
        // The host's exporter keeps unsent telemetry in our application's folder unless the host chose one itself, and
        // sends with the managed identity named by APPLICATIONINSIGHTS_AUTHENTICATION_STRING unless it has a credential.
        builder.Services.AddOptions<AzureMonitorExporterOptions>()
            .Configure<IOptions<ExportOptions>>((exporter, ours) =>
            {
                exporter.StorageDirectory ??= ours.Value.StorageDirectory;
                exporter.Credential ??= ours.Value.CreateCredential();
            });
        builder.Services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            var names = sp.GetRequiredService<ExportMeterNames>();
            var limit = sp.GetRequiredService<IOptions<ExportOptions>>().Value.MaxSeriesPerMetric;
            metrics
                .AddMeter(names.Own)
                .AddMeter(names.Aggregates)
                .AddView(instrument =>
                    instrument.Meter.Name == names.Aggregates
                        ? new MetricStreamConfiguration { CardinalityLimit = limit + 1 }
                        : null);
        });
        return builder;
    }

    /// <summary>Marks the meters as added, so calling both registrations does not add the view twice.</summary>
    private sealed class MetersAdded;
}
