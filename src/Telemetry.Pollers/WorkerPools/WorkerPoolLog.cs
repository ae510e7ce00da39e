using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers.WorkerPools;

/// <summary>The worker-pool poller's log lines (source-generated): endpoint, pool and counts, never a response body.</summary>
internal static partial class WorkerPoolLog
{
    [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "Worker-pool poll of {Endpoint} failed: {Reason}")]
    public static partial void PollFailed(this ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Debug, Message = "Worker-pool poll of {Endpoint}: pool {Pool}, {EventCount} events")]
    public static partial void Polled(this ILogger logger, string endpoint, string pool, int eventCount);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Worker-pool poll of {Endpoint}: could not publish or record")]
    public static partial void NotRecorded(this ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "Worker-pool endpoint {Endpoint} sent more than {MaxBytes} bytes (Pollers:WorkerPoolMaxResponseBytes); the poll fails")]
    public static partial void ResponseTooLarge(this ILogger logger, Uri endpoint, int maxBytes);
}
