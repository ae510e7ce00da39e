namespace Telemetry.Domain.Diagnostics;

/// <summary>Whether a consumer group's connection is up, reported through <see cref="OwnTelemetry.RegisterConnectionState"/>.</summary>
public readonly record struct ConnectionStateObservation(string ConsumerGroup, bool Connected);
