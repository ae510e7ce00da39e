namespace Telemetry.Domain.Aggregation;

public enum NotableEventKind
{
    FailedEvent,
    SlowEvent,
    FailedNetworkOperation,
    SlowNetworkOperation,
    DeadLetter,
    WorkerCrash,
    HealthCheckFailed,
    LagStatusChange,
}
