using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Telemetry.Pollers;

/// <summary>
/// Runs each registered poller on its own interval in the standalone host: one loop per poller, so a slow poller never
/// delays another, and runs of one poller never overlap. A run that throws is logged and the loop goes on.
/// (The Functions app does not use this: its timer triggers call <see cref="IPoller.PollAsync"/> directly.)
/// </summary>
internal sealed class PollerScheduler(IEnumerable<IPoller> pollers, TimeProvider time, ILogger<PollerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(pollers.Select(p => RunAsync(p, stoppingToken)));

    private async Task RunAsync(IPoller poller, CancellationToken stoppingToken)
    {
        // Yield first so the host finishes starting before the first poll.
        await Task.Yield();
        using var timer = new PeriodicTimer(poller.Interval, time);
        do
        {
            try
            {
                var result = await poller.PollAsync(stoppingToken).ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested)
                {
                    // A run cut short by shutdown reports its targets as failed; that says nothing about them.
                    return;
                }

                if (result.AllSucceeded)
                {
                    logger.RunSucceeded(result.Poller, result.Succeeded, (long)result.Elapsed.TotalMilliseconds);
                }
                else
                {
                    logger.RunPartlyFailed(result.Poller, result.Failed, result.Failed + result.Succeeded, string.Join("; ", result.Failures));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.RunFailed(ex, poller.Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
