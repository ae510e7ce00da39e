using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Processing;

/// <summary>
/// What decoding one record gave: valid, or malformed with a typed reason. A malformed record goes to the
/// dead-letter topic at once (retrying cannot fix it); <see cref="ErrorKind"/> and <see cref="Message"/> are
/// meant for the <c>x-error-kind</c> and <c>x-error-message</c> headers (bounded, never payload).
/// </summary>
public readonly record struct RecordOutcome(long Offset, EnvelopeError Error, string? Message)
{
    public bool IsMalformed => Error != EnvelopeError.None;

    /// <summary>The reason in snake case (<c>not_json</c>, <c>unknown_event</c>...), or null when valid.</summary>
    public string? ErrorKind => Error switch
    {
        EnvelopeError.None => null,
        EnvelopeError.NotJson => "not_json",
        EnvelopeError.WrongSchemaVersion => "wrong_schema_version",
        EnvelopeError.UnknownEvent => "unknown_event",
        EnvelopeError.MissingField => "missing_field",
        EnvelopeError.WrongType => "wrong_type",
        EnvelopeError.OutOfRange => "out_of_range",
        EnvelopeError.Oversized => "oversized",
        EnvelopeError.DuplicateKey => "duplicate_key",
        EnvelopeError.DecoderFault => "decoder_fault",
        EnvelopeError.TooOld => "too_old",
        _ => "invalid",
    };
}
