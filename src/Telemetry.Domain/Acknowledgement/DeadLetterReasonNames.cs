namespace Telemetry.Domain.Acknowledgement;

/// <summary>The bounded strings used for <see cref="DeadLetterReason"/> in metric attributes and DLQ headers.</summary>
internal static class DeadLetterReasonNames
{
    public const string MaxRetriesExceeded = "max_retries_exceeded";
    public const string Malformed = "malformed";

    public static string ToValue(this DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.MaxRetriesExceeded => MaxRetriesExceeded,
        DeadLetterReason.Malformed => Malformed,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown dead-letter reason."),
    };
}
