using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Pollers;

namespace Telemetry.Functions.Pollers;

/// <summary>Polls consumer lag of the configured groups on a schedule; a failing target is reported by the poller, never thrown.</summary>
public sealed class PollConsumerLag([FromKeyedServices(PollerNames.Lag)] IPoller poller)
{
    [Function(nameof(PollConsumerLag))]
    public async Task Run([TimerTrigger("%Pollers:LagSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await poller.PollAsync(cancellationToken);
}
