namespace Telemetry.Domain.Diagnostics;

/// <summary>Who reported a <see cref="ConnectionStateObservation"/>; a consumer's own state outranks a poller's.</summary>
public enum ConnectionObserver
{
    /// <summary>The group member itself (our consume loop): its broker states and errors.</summary>
    Consumer = 0,

    /// <summary>The lag poller, which reaches the group's coordinator with its own admin client on every poll.</summary>
    Poller = 1,
}
