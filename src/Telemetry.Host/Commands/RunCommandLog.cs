using Microsoft.Extensions.Logging;
using Telemetry.Host.Scheduling;

namespace Telemetry.Host.Commands;

/// <summary>The <c>run</c> command's log lines (source-generated).</summary>
internal static partial class RunCommandLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = ScheduledPollers.OffMessage)]
    public static partial void PollersOff(this ILogger logger);
}
