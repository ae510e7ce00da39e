namespace Telemetry.Pollers;

/// <summary>
/// One poller: a bounded, idempotent run that reads the world around the pipeline and records what it saw.
/// The standalone host calls it from <see cref="PollerScheduler"/>; the Functions app calls it from a timer trigger.
/// Implementations keep no state in memory that a later run depends on: state lives in Table Storage, because
/// Functions instances come and go.
/// </summary>
public interface IPoller
{
    /// <summary>Stable name, used in logs, state rows and <see cref="PollResult.Poller"/> (<c>lag</c>, <c>mqtt</c>, <c>worker-pool</c>).</summary>
    string Name { get; }

    /// <summary>The <c>Pollers:</c> key holding this poller's NCRONTAB schedule for the Functions timer trigger.</summary>
    string ScheduleKey { get; }

    /// <summary>Seconds between runs in the standalone host.</summary>
    TimeSpan Interval { get; }

    /// <summary>Polls every configured target once. Never throws for a failing target; cancellation ends it early.</summary>
    Task<PollResult> PollAsync(CancellationToken cancellationToken);
}
