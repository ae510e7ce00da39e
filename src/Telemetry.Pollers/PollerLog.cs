using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers;

/// <summary>The log lines every target poller shares (source-generated): the target's description, never a secret.</summary>
internal static partial class PollerLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Poll of {Target} failed")]
    public static partial void PollFailed(this ILogger logger, Exception exception, string target);
}
