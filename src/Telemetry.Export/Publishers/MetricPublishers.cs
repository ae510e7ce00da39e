using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Configuration;
using Telemetry.Export.Pipeline;

namespace Telemetry.Export.Publishers;

/// <summary>
/// The publishers beside Azure Monitor: OTLP (when an <c>OTEL_EXPORTER_OTLP_*</c> endpoint is set) and the Prometheus
/// scrape endpoint (when <c>Prometheus:Port</c> is set). Each gets a MeterProvider of its own, with our own meter and
/// its own copy of the minute aggregates, so any combination can be on at once and none can slow or starve another:
/// readers export on their own threads, and the aggregate sinks only copy into bounded buffers.
/// </summary>
internal sealed class MetricPublishers : IHostedService, IDisposable
{
    /// <summary>Longest a publisher may take to flush at stop; a dead OTLP endpoint then delays stopping only this long.</summary>
    internal static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a scraped aggregate stays on show without a newer minute: two minutes past the grace period, so a
    /// live series never blinks between minutes, while one that stopped goes stale soon after.
    /// </summary>
    internal static TimeSpan HoldScraped(ExportOptions export) => TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(export.WindowGraceSeconds);

    private readonly ExportOptions _export;
    private readonly PrometheusOptions _prometheus;
    private readonly OtlpPublisherOptions _otlp;
    private readonly IConfiguration _configuration;
    private readonly ExportMeterNames _names;
    private readonly ILogger<MetricPublishers> _logger;
    private readonly List<MeterProvider> _providers = [];

    public MetricPublishers(
        IOptions<ExportOptions> export,
        IOptions<PrometheusOptions> prometheus,
        IOptions<OtlpPublisherOptions> otlp,
        IConfiguration configuration,
        ExportMeterNames names,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _export = export.Value;
        _prometheus = prometheus.Value;
        _otlp = otlp.Value;
        _configuration = configuration;
        _names = names;
        _logger = loggers.CreateLogger<MetricPublishers>();
        var sinkLogger = loggers.CreateLogger<AzureMonitorAggregateSink>();
        PendingAggregates Pending() => new(_export.MaxPendingAggregates, TimeSpan.FromSeconds(_export.WindowGraceSeconds), time);
        // Pushed, each minute once, as to Azure Monitor; scraped, each minute on show until the next replaces it.
        Otlp = _otlp.IsEnabled ? new PublisherAggregates(names.Aggregates + ".Otlp", Pending(), _export.MaxSeriesPerMetric, null, sinkLogger) : null;
        Prometheus = _prometheus.IsEnabled
            ? new PublisherAggregates(names.Aggregates + ".Prometheus", Pending(), _export.MaxSeriesPerMetric, new HeldPoints(HoldScraped(_export), _export.MaxSeriesPerMetric, time), sinkLogger)
            : null;
    }

    public PublisherAggregates? Otlp { get; }

    public PublisherAggregates? Prometheus { get; }

    public IEnumerable<PublisherAggregates> Enabled => new[] { Otlp, Prometheus }.OfType<PublisherAggregates>();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Otlp is not null)
        {
            _providers.Add(Builder(Otlp, counterSuffix: false)
                .AddOtlpExporter()
                .Build());
            _logger.OtlpOn(
                _otlp.MetricsEndpoint ?? _otlp.Endpoint,
                _otlp.MetricsProtocol ?? _otlp.Protocol ?? "grpc",
                _otlp.Interval ?? "60000");
        }

        if (Prometheus is not null)
        {
            try
            {
                _providers.Add(Builder(Prometheus, counterSuffix: true)
                    .AddPrometheusHttpListener(o =>
                    {
                        o.Host = _prometheus.Host;
                        o.Port = _prometheus.Port;
                        o.ScrapeEndpointPath = _prometheus.Path;
                        // Seed 001's names have _total on counters and no unit suffix on its millisecond histograms;
                        // PublisherViews adds the _total, this keeps the exporter from adding _milliseconds.
                        o.TranslationStrategy = PrometheusHttpListenerTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                    })
                    .Build());
            }
            catch (Exception ex) when (ex is System.Net.HttpListenerException or InvalidOperationException)
            {
                throw new OptionsValidationException(
                    PrometheusOptions.SectionName,
                    typeof(PrometheusOptions),
                    [$"{PrometheusOptions.SectionName}:Port {_prometheus.Port} on {PrometheusOptions.SectionName}:Host '{_prometheus.Host}' cannot be listened on: {ex.Message}"]);
            }

            _logger.PrometheusOn(_prometheus.Host, _prometheus.Port, _prometheus.Path);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in _providers)
        {
            provider.Shutdown((int)ShutdownTimeout.TotalMilliseconds);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _providers.Clear();
        foreach (var publisher in Enabled)
        {
            publisher.Dispose();
        }
    }

    private MeterProviderBuilder Builder(PublisherAggregates aggregates, bool counterSuffix) =>
        Sdk.CreateMeterProviderBuilder()
            // The exporters read the standard OTEL_* keys from the host's configuration (environment and overrides).
            .ConfigureServices(services => services.AddSingleton(_configuration))
            .ConfigureResource(resource => resource.AddDetector(new ExportResourceDetector(_export)))
            .AddMeter(_names.Own)
            .AddMeter(aggregates.MeterName)
            .AddView(PublisherViews.For(aggregates.MeterName, _export.MaxSeriesPerMetric, counterSuffix));
}
