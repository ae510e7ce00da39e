using Microsoft.Azure.Functions.Worker;
using Telemetry.Pollers.WorkerPool;

namespace Telemetry.Functions.Pollers;

public sealed class PollWorkerPools(WorkerPoolPoller poller)
{
    [Function(nameof(PollWorkerPools))]
    public Task Run([TimerTrigger("%Pollers:WorkerPoolSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => poller.PollAsync(cancellationToken);
}
