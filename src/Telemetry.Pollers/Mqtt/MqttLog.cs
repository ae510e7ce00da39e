using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers.Mqtt;

/// <summary>The MQTT broker poller's log lines (source-generated): the broker's name, never its credentials.</summary>
internal static partial class MqttLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Warning, Message = "MQTT poll of {Broker}: previous state unreadable, rates fall back to the broker's load averages")]
    public static partial void PreviousStateUnreadable(this ILogger logger, Exception exception, string broker);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug, Message = "MQTT poll of {Broker}: {TopicCount} $SYS topics, rates from {RateSource}")]
    public static partial void Polled(this ILogger logger, string broker, int topicCount, string rateSource);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "MQTT poll of {Broker} failed: {Reason}")]
    public static partial void PollFailed(this ILogger logger, string broker, string? reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "MQTT poll of {Broker}: could not record state")]
    public static partial void StateNotRecorded(this ILogger logger, Exception exception, string broker);
}
