using Microsoft.Extensions.Logging;

namespace Telemetry.Kafka.Replay;

/// <summary>The dead-letter replay's log lines (source-generated): counts only, never a replayed record.</summary>
internal static partial class ReplayLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "dlq replay of {Topic}: {Replayed} replayed{DryRun}, {Filtered} filtered, {Already} already replayed")]
    public static partial void Replayed(this ILogger logger, string topic, int replayed, string dryRun, int filtered, int already);
}
