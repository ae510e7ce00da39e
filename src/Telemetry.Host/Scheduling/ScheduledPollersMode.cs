namespace Telemetry.Host.Scheduling;

/// <summary>What <see cref="ScheduledPollers.AddScheduledPollers"/> registered.</summary>
internal enum ScheduledPollersMode
{
    /// <summary>The three pollers run on their intervals.</summary>
    Scheduled,

    /// <summary>No ledger and no poller asked for: no pollers.</summary>
    Off,

    /// <summary>Pollers asked for without a ledger: start-up fails naming the setting.</summary>
    MissingLedger,
}
