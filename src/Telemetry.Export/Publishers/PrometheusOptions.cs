namespace Telemetry.Export.Publishers;

/// <summary>
/// The Prometheus scrape endpoint (section <c>Prometheus</c>), off by default in both hosts: set <see cref="Port"/>
/// to serve <c>http://{Host}:{Port}{Path}</c> from OpenTelemetry's HttpListener exporter, with the names seed 001's
/// PromQL uses (docs/prometheus.md).
/// </summary>
public sealed class PrometheusOptions
{
    public const string SectionName = "Prometheus";

    /// <summary>TCP port of the scrape endpoint; 0 (the default) serves nothing.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Host the listener answers for: <c>localhost</c> (the default, this machine only), a host name or IP address,
    /// or <c>+</c> / <c>*</c> for every interface (Linux needs no reservation; Windows needs a URL ACL).
    /// </summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Path of the scrape endpoint, starting with <c>/</c>.</summary>
    public string Path { get; set; } = "/metrics";

    public bool IsEnabled => Port != 0;
}
