namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// Whether a consumer group's connection to Kafka is up, reported through <see cref="OwnTelemetry.RegisterConnectionState"/>.
/// <see cref="Observer"/> says who saw it: where our own consumer runs (the standalone host) its state is the truth
/// and a poller's reading of the same group is ignored; under Functions the extension owns the consumer, and the lag
/// poller's reach to the group's coordinator is what we can see.
/// </summary>
public readonly record struct ConnectionStateObservation(string ConsumerGroup, bool Connected, ConnectionObserver Observer = ConnectionObserver.Consumer);
