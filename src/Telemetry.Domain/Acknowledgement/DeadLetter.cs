using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// A message the host must write to the dead-letter topic (original key and value, byte for byte) before the
/// commit may pass it. The texts are already bounded for the <c>x-error-kind</c> / <c>x-error-message</c> headers.
/// </summary>
public sealed record DeadLetter(
    ConsumedRecord Record,
    DeadLetterReason Reason,
    string ErrorKind,
    string ErrorMessage,
    int RetryCount)
{
    public const int MaxErrorKindLength = 64;
    public const int MaxErrorMessageLength = 256;

    internal static DeadLetter Create(ConsumedRecord record, DeadLetterReason reason, MessageOutcome outcome, int retryCount) =>
        new(
            record,
            reason,
            BoundedText.Bound(outcome.ErrorKind, MaxErrorKindLength),
            BoundedText.Bound(outcome.ErrorMessage, MaxErrorMessageLength),
            retryCount);
}
