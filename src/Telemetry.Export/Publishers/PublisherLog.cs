using Microsoft.Extensions.Logging;

namespace Telemetry.Export.Publishers;

/// <summary>The metric publishers' startup lines (source-generated): endpoints and intervals, never credentials.</summary>
internal static partial class PublisherLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "OTLP metric export on: {Endpoint} ({Protocol}), every {IntervalMs} ms.")]
    public static partial void OtlpOn(this ILogger logger, string? endpoint, string protocol, string intervalMs);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Prometheus scrape endpoint on: http://{Host}:{Port}{Path}")]
    public static partial void PrometheusOn(this ILogger logger, string host, int port, string path);
}
