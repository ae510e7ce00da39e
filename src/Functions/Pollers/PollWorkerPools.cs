using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Pollers;

namespace Telemetry.Functions.Pollers;

/// <summary>Polls the worker-pool health endpoints on a schedule; a failing target is reported by the poller, never thrown.</summary>
public sealed class PollWorkerPools([FromKeyedServices(PollerNames.WorkerPool)] IPoller poller)
{
    [Function(nameof(PollWorkerPools))]
    public async Task Run([TimerTrigger("%Pollers:WorkerPoolSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await poller.PollAsync(cancellationToken);
}
