using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// A failed message that gets another attempt: <see cref="RetryNumber"/> is 1 for the first retry (Kafee's
/// <c>retry_count</c>), <see cref="Backoff"/> its own delay from the <see cref="RetryPolicy"/>.
/// </summary>
public sealed record RetryInstruction(
    ConsumedRecord Record,
    int RetryNumber,
    TimeSpan Backoff,
    string ErrorKind,
    string ErrorMessage);
