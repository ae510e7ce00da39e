using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Telemetry.Domain.Aggregation;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Configuration;
using Telemetry.Export.Pipeline;
using Telemetry.Export.Publishers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Azure Monitor export of our own metrics and of the core's minute aggregates.</summary>
public static class ExportServiceCollectionExtensions
{
    /// <summary>
    /// The standalone host's export: <see cref="ExportOptions"/> (section <c>Export</c>, validated at start), the
    /// aggregate sink (<see cref="IAggregateSink"/>), an OpenTelemetry MeterProvider with our meters and the service
    /// resource, and, when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, the Azure Monitor metric exporter on a
    /// periodic reader every <c>Export:IntervalSeconds</c>. Without a connection string nothing is sent, a warning says
    /// so once at start, and processing runs unchanged. With <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> the exporter
    /// sends with the managed identity's Entra ID token.
    /// </summary>
    /// <remarks>In the Functions app use <c>AddOpenTelemetry().UseFunctionsWorkerDefaults().UseAzureMonitorExporter().AddTelemetryExport()</c> instead.</remarks>
    public static IServiceCollection AddTelemetryExport(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(new ExportWiring(OwnsExporter: true));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(
                sp => new ExportResourceDetector(sp.GetRequiredService<IOptions<ExportOptions>>().Value)))
            .AddTelemetryExport();
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            var options = sp.GetRequiredService<IOptions<ExportOptions>>().Value;
            if (options.IsExportEnabled)
            {
                // The exporter options a host configured (e.g. a proxy transport), with ours applied on top.
                var exporter = sp.GetRequiredService<IOptions<AzureMonitorExporterOptions>>().Value;
                metrics.AddReader(AzureMonitorMetricReader.Create(options, exporter));
            }
        });
        return services;
    }

    /// <summary>Options, buffer, meter, sink and start-up report: what both wirings share. Idempotent.</summary>
    internal static IServiceCollection AddTelemetryExportCore(this IServiceCollection services)
    {
        services.AddOptions<ExportOptions>()
            .BindConfiguration(ExportOptions.SectionName)
            // Only the standard setting counts, so an Export:ConnectionString key cannot silently send elsewhere.
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.ConnectionString = configuration[ExportOptions.ConnectionStringKey];
                options.AuthenticationString = configuration[ExportOptions.AuthenticationStringKey];
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExportOptions>, ExportOptionsValidator>());
        services.TryAddSingleton(new ExportWiring(OwnsExporter: false));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ExportOptions>>().Value;
            return new PendingAggregates(
                options.MaxPendingAggregates,
                TimeSpan.FromSeconds(options.WindowGraceSeconds),
                sp.GetService<TimeProvider>() ?? TimeProvider.System);
        });
        services.TryAddSingleton(ExportMeterNames.Default);
        services.TryAddSingleton(sp => new AggregateMeter(
            sp.GetRequiredService<PendingAggregates>(),
            sp.GetRequiredService<ExportMeterNames>().Aggregates,
            sp.GetRequiredService<IOptions<ExportOptions>>().Value.MaxSeriesPerMetric));
        services.TryAddSingleton(sp => new AzureMonitorAggregateSink(
            sp.GetRequiredService<AggregateMeter>(),
            sp.GetRequiredService<PendingAggregates>(),
            sp.GetRequiredService<IOptions<ExportOptions>>().Value.IsExportEnabled,
            sp.GetService<ILogger<AzureMonitorAggregateSink>>() ?? NullLogger<AzureMonitorAggregateSink>.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregateSink, AzureMonitorAggregateSink>(
            sp => sp.GetRequiredService<AzureMonitorAggregateSink>()));
        services.TryAddSingleton(sp => new OwnHistogramQuantiles(
            sp.GetRequiredService<AggregateMeter>(),
            sp.GetRequiredService<PendingAggregates>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ExportMeterNames>().Own));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExportStartupReport>());
        services.AddMetricPublishers();
        return services;
    }

    /// <summary>
    /// OTLP and Prometheus beside Azure Monitor, in both hosts: each on when its settings say so (the standard
    /// <c>OTEL_EXPORTER_OTLP_*</c> endpoint; <c>Prometheus:Port</c>), each with a MeterProvider of its own.
    /// </summary>
    private static void AddMetricPublishers(this IServiceCollection services)
    {
        services.AddOptions<PrometheusOptions>().BindConfiguration(PrometheusOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusOptions>, PrometheusOptionsValidator>());
        services.AddOptions<OtlpPublisherOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Endpoint = configuration[OtlpPublisherOptions.EndpointKey];
                options.MetricsEndpoint = configuration[OtlpPublisherOptions.MetricsEndpointKey];
                options.Protocol = configuration[OtlpPublisherOptions.ProtocolKey];
                options.MetricsProtocol = configuration[OtlpPublisherOptions.MetricsProtocolKey];
                options.Timeout = configuration[OtlpPublisherOptions.TimeoutKey];
                options.Interval = configuration[OtlpPublisherOptions.IntervalKey];
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtlpPublisherOptions>, OtlpPublisherOptionsValidator>());
        services.TryAddSingleton(sp => new MetricPublishers(
            sp.GetRequiredService<IOptions<ExportOptions>>(),
            sp.GetRequiredService<IOptions<PrometheusOptions>>(),
            sp.GetRequiredService<IOptions<OtlpPublisherOptions>>(),
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<ExportMeterNames>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MetricPublishers>(sp => sp.GetRequiredService<MetricPublishers>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregateSink, PublishersAggregateSink>());
    }
}
