namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Where notable events that do not come from a Kafka batch go (poller findings such as lag status changes
/// and failed health checks). Stores must be idempotent on <see cref="NotableEvent.Origin"/> and time.
/// </summary>
public interface INotableEventSink
{
    Task WriteAsync(IReadOnlyList<NotableEvent> events, CancellationToken cancellationToken);
}
