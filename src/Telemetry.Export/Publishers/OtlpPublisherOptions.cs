namespace Telemetry.Export.Publishers;

/// <summary>
/// Whether OTLP metric export is on and where it goes, read from the standard OpenTelemetry variables rather than a
/// section of ours, so a collector's usual set-up works unchanged: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> turns it on; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>,
/// <c>_TIMEOUT</c> and <c>OTEL_METRIC_EXPORT_INTERVAL</c> are read by the exporter itself.
/// </summary>
public sealed class OtlpPublisherOptions
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string MetricsEndpointKey = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string ProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string MetricsProtocolKey = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";
    public const string TimeoutKey = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string IntervalKey = "OTEL_METRIC_EXPORT_INTERVAL";

    public string? Endpoint { get; set; }

    public string? MetricsEndpoint { get; set; }

    public string? Protocol { get; set; }

    public string? MetricsProtocol { get; set; }

    public string? Timeout { get; set; }

    public string? Interval { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(MetricsEndpoint);
}
