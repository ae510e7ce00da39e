using Microsoft.Azure.Functions.Worker;
using Telemetry.Pollers.Lag;

namespace Telemetry.Functions.Pollers;

public sealed class PollConsumerLag(ConsumerLagPoller poller)
{
    [Function(nameof(PollConsumerLag))]
    public Task Run([TimerTrigger("%Pollers:LagSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => poller.PollAsync(cancellationToken);
}
