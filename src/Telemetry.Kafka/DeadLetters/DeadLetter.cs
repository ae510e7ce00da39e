using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>A record the acknowledgement decision sends to the dead-letter topic, with why and after how many retries.</summary>
public sealed record DeadLetter(ConsumedRecord Record, string ErrorKind, string ErrorMessage, int RetryCount);
