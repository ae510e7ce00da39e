namespace Telemetry.Pollers.Publishing;

/// <summary>Puts derived events on the same path as ingested ones.</summary>
public interface ITelemetryPublisher
{
    /// <summary>Publishes the events, keyed by <paramref name="key"/> (one key keeps one source's events in order); returns once all are acknowledged.</summary>
    Task PublishAsync(string key, IReadOnlyList<TelemetryEnvelope> events, CancellationToken cancellationToken);
}
