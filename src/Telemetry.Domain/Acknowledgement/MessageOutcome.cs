using Telemetry.Domain.Processing;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The result of handling one message. <see cref="ErrorKind"/> is a short, bounded classifier (an exception
/// type name, a validation reason such as <c>not_json</c>) and becomes the DLQ's <c>x-error-kind</c> and the
/// metrics' <c>error.type</c>; <see cref="ErrorMessage"/> must never carry payload.
/// </summary>
public readonly record struct MessageOutcome(OutcomeKind Kind, string? ErrorKind, string? ErrorMessage)
{
    public static MessageOutcome Succeeded { get; } = new(OutcomeKind.Succeeded, null, null);

    public bool IsSuccess => Kind == OutcomeKind.Succeeded;

    public static MessageOutcome Failed(string errorKind, string? message = null) =>
        new(OutcomeKind.Failed, RequireKind(errorKind), message);

    public static MessageOutcome Malformed(string reason, string? message = null) =>
        new(OutcomeKind.Malformed, RequireKind(reason), message);

    /// <summary>The decoder's verdict as an outcome: a malformed record is dead-lettered at once with the decoder's reason.</summary>
    public static MessageOutcome FromDecoding(RecordOutcome decoded) =>
        decoded.IsMalformed ? Malformed(decoded.ErrorKind ?? "invalid", decoded.Message) : Succeeded;

    private static string RequireKind(string kind) =>
        string.IsNullOrWhiteSpace(kind) ? throw new ArgumentException("An error kind is required.", nameof(kind)) : kind;
}
