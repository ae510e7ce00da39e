using Microsoft.Azure.Functions.Worker;
using Telemetry.Pollers.Mqtt;

namespace Telemetry.Functions.Pollers;

public sealed class PollMqttBrokers(MqttBrokerPoller poller)
{
    [Function(nameof(PollMqttBrokers))]
    public Task Run([TimerTrigger("%Pollers:MqttSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => poller.PollAsync(cancellationToken);
}
