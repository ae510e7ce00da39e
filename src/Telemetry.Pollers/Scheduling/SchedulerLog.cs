using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers;

/// <summary>The poller schedule's log lines (source-generated): one per run, counts and one-line reasons.</summary>
internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Poller {Poller}: {Succeeded} targets polled in {ElapsedMs} ms")]
    public static partial void RunSucceeded(this ILogger logger, string poller, int succeeded, long elapsedMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Poller {Poller}: {Failed} of {Total} targets failed ({Failures})")]
    public static partial void RunPartlyFailed(this ILogger logger, string poller, int failed, int total, string failures);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Poller {Poller}: run failed")]
    public static partial void RunFailed(this ILogger logger, Exception exception, string poller);
}
