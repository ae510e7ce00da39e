namespace Telemetry.Domain.Ingestion;

/// <summary>Why an envelope was refused. Every refused record goes to the dead-letter topic at once: retrying cannot fix it.</summary>
public enum EnvelopeError
{
    /// <summary>The envelope is valid.</summary>
    None,

    /// <summary>The bytes are not one well-formed JSON value.</summary>
    NotJson,

    /// <summary><c>schema</c> is not a version this build reads (1).</summary>
    WrongSchemaVersion,

    /// <summary>The event is not in the catalog and unknown events are rejected, or its name is not a dotted identifier.</summary>
    UnknownEvent,

    /// <summary>A required envelope field, measurement or metadata is absent.</summary>
    MissingField,

    /// <summary>A field has the wrong JSON type (a string where a number belongs, an object where a scalar does).</summary>
    WrongType,

    /// <summary>A value is outside its range: a negative duration, a time outside 2000–2100 or too far ahead, an unknown time unit.</summary>
    OutOfRange,

    /// <summary>The envelope, its name, or its number of fields exceeds a limit.</summary>
    Oversized,

    /// <summary>A key the decoder reads (<c>event</c>, <c>measurements</c>, a catalog field, a generic measurement) appears twice in one object.</summary>
    DuplicateKey,

    /// <summary>
    /// Handling the record threw an unexpected exception (a defect, not a property of the input we know of): the record
    /// is dead-lettered so that its partition goes on, with the exception's type as the message.
    /// </summary>
    DecoderFault,

    /// <summary>The event time lies more than <c>Ingestion:MaxEventAgeDays</c> behind the Kafka record's timestamp.</summary>
    TooOld,
}
