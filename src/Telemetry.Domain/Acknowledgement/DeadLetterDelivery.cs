namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The delivery report of one dead-letter write, matched to its <see cref="DeadLetter"/> by offset. A host
/// reports <see cref="Delivered"/> only after the broker acknowledged the write (the producer's delivery report).
/// </summary>
public readonly record struct DeadLetterDelivery(long Offset, bool Delivered, string? ErrorKind = null)
{
    public static DeadLetterDelivery Success(long offset) => new(offset, true);

    public static DeadLetterDelivery Failure(long offset, string errorKind) => new(offset, false, errorKind);
}
