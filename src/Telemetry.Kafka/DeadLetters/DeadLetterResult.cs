namespace Telemetry.Kafka.DeadLetters;

/// <summary>How many dead letters, from the start of the list, the broker confirmed; and the first failure if not all.</summary>
public sealed record DeadLetterResult(int Confirmed, DeadLetterWriteException? Failure);
