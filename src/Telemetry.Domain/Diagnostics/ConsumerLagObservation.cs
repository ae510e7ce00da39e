namespace Telemetry.Domain.Diagnostics;

/// <summary>One partition's lag as a poller last measured it, reported through <see cref="OwnTelemetry.RegisterConsumerLag"/>.</summary>
public readonly record struct ConsumerLagObservation(string Topic, int Partition, string ConsumerGroup, long Lag);
