using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Pollers;

namespace Telemetry.Functions.Pollers;

/// <summary>Polls the MQTT brokers' $SYS statistics on a schedule; a failing target is reported by the poller, never thrown.</summary>
public sealed class PollMqttBrokers([FromKeyedServices(PollerNames.Mqtt)] IPoller poller)
{
    [Function(nameof(PollMqttBrokers))]
    public async Task Run([TimerTrigger("%Pollers:MqttSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await poller.PollAsync(cancellationToken);
}
