using System.Text.Json;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Processing;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// Decodes and validates one envelope (docs/envelope.md) with <see cref="Utf8JsonReader"/>, straight from the
/// record's bytes. A valid envelope of a known event allocates nothing: names are matched as UTF-8, dimension
/// values are interned, and the output goes into a reused <see cref="DecodedEvent"/>. Error messages name
/// fields and limits only, never values, so they can go into DLQ headers and logs.
/// </summary>
// The concerns live in partial files (EnvelopeDecoder.EventNames, .Time, .Fields, .NotableRules) rather than in
// helper types, so the reader pass below stays one method and every call it makes stays a direct call on this
// sealed class, with no extra state to hand across.
internal sealed partial class EnvelopeDecoder
{
    public const int SchemaVersion = 1;
    public const int MaxSourceBytes = 256;

    /// <summary>Nesting limit of the whole envelope (the reader's MaxDepth): deeper input is <c>not_json</c>.</summary>
    public const int MaxDepth = 32;

    /// <summary>Largest magnitude of a value in its metric's unit (milliseconds for durations), after unit conversion.</summary>
    public const long MaxMetricValue = ExactNumber.MaxMicros / 1_000_000;

    private static readonly string SourceTooLong = $"source is longer than {MaxSourceBytes} bytes.";

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private readonly TelemetryCatalog _catalog;
    private readonly IngestionOptions _options;
    private readonly DimensionValuePool _pool;
    private readonly GenericEventRegistry _generic;

    public EnvelopeDecoder(TelemetryCatalog catalog, IngestionOptions options, DimensionValuePool pool, GenericEventRegistry generic)
    {
        _catalog = catalog;
        _options = options;
        _pool = pool;
        _generic = generic;
    }

    /// <summary>Decodes <paramref name="json"/> into <paramref name="e"/>; returns <see cref="EnvelopeError.None"/> when valid.</summary>
    /// <param name="json">The record value.</param>
    /// <param name="recordTimestampMs">The Kafka record's timestamp (Unix ms), or 0 if unknown; bounds how far ahead event time may be.</param>
    /// <param name="e">Reset and filled.</param>
    /// <param name="capture">Also keep source, reason and attributes (to build a notable event; allocates).</param>
    public EnvelopeError Decode(ReadOnlySpan<byte> json, long recordTimestampMs, DecodedEvent e, bool capture = false)
    {
        e.Reset();
        if (json.Length > _options.MaxEnvelopeBytes)
        {
            return Fail(e, EnvelopeError.Oversized, $"The envelope has more than {_options.MaxEnvelopeBytes} bytes (Ingestion:MaxEnvelopeBytes).");
        }

        try
        {
            return DecodeCore(json, recordTimestampMs, e, capture);
        }
        catch (JsonException ex)
        {
            return Fail(e, EnvelopeError.NotJson, $"Not well-formed JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}).");
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader throws this for invalid UTF-8 inside a string it is asked to transcode.
            return Fail(e, EnvelopeError.NotJson, "A string is not valid UTF-8.");
        }
    }

    private EnvelopeError DecodeCore(ReadOnlySpan<byte> json, long recordTimestampMs, DecodedEvent e, bool capture)
    {
        var r = new Utf8JsonReader(json, ReaderOptions);
        if (!r.Read())
        {
            return Fail(e, EnvelopeError.NotJson, "The record is empty.");
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            r.Skip();
            return Fail(e, EnvelopeError.WrongType, "The envelope must be a JSON object.");
        }

        // Keys may come in any order. Producers following docs/envelope.md put schema and event first, so the
        // measurements and metadata are read in place; otherwise they are read afterwards from a saved reader copy.
        // time_unit may come last: native durations are converted once the whole envelope has been read.
        Utf8JsonReader measurements = default, metadata = default;
        bool hasSchema = false, hasName = false, hasTime = false, hasSource = false, deferMeasurements = false, deferMetadata = false;
        EnvelopeError schemaError = EnvelopeError.None, nameError = EnvelopeError.None, timeError = EnvelopeError.None, unitError = EnvelopeError.None, sourceError = EnvelopeError.None;
        string? nameMessage = null, timeMessage = null, unitMessage = null, sourceMessage = null;
        var seenKeys = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var key = TopLevelKey(ref r);
            if (key != TopKey.Other)
            {
                // A repeated key is ambiguous (which one did the producer mean?) and must not count the event twice.
                var bit = 1 << (int)key;
                if ((seenKeys & bit) != 0)
                {
                    return Fail(e, EnvelopeError.DuplicateKey, $"{TopKeyName(key)} appears more than once.");
                }

                seenKeys |= bit;
            }

            r.Read();
            switch (key)
            {
                case TopKey.Schema:
                    hasSchema = true;
                    schemaError = r.TokenType != JsonTokenType.Number ? EnvelopeError.WrongType
                        : !r.TryGetInt32(out var version) || version != SchemaVersion ? EnvelopeError.WrongSchemaVersion
                        : EnvelopeError.None;
                    if (schemaError == EnvelopeError.WrongSchemaVersion)
                    {
                        // Another version may be shaped differently: stop here.
                        return Fail(e, schemaError, $"schema must be {SchemaVersion}.");
                    }

                    break;
                case TopKey.Event:
                    hasName = true;
                    var copy = r;
                    nameError = ResolveEvent(ref copy, e);
                    nameMessage = e.ErrorMessage;
                    break;
                case TopKey.Time:
                    hasTime = true;
                    timeError = ReadTime(ref r, recordTimestampMs, e);
                    timeMessage = e.ErrorMessage;
                    break;
                case TopKey.TimeUnit:
                    // The event's default applies until this is read; native durations are converted at the end.
                    unitError = ReadTimeUnit(ref r, e);
                    unitMessage = e.ErrorMessage;
                    break;
                case TopKey.Source:
                    hasSource = true;
                    sourceError = r.TokenType != JsonTokenType.String ? EnvelopeError.WrongType
                        : r.ValueSpan.Length > MaxSourceBytes ? EnvelopeError.Oversized
                        : EnvelopeError.None;
                    sourceMessage = sourceError == EnvelopeError.WrongType ? "source must be a string." : SourceTooLong;
                    if (capture && sourceError == EnvelopeError.None)
                    {
                        e.Source = r.GetString();
                    }

                    break;
                case TopKey.Measurements:
                case TopKey.Metadata:
                    if (hasSchema && schemaError == EnvelopeError.None && nameError == EnvelopeError.None && e.Definition is not null)
                    {
                        var fieldError = ReadFields(ref r, e, key == TopKey.Measurements, capture);
                        if (fieldError != EnvelopeError.None)
                        {
                            return fieldError;
                        }

                        continue;
                    }

                    if (key == TopKey.Measurements)
                    {
                        measurements = r;
                        deferMeasurements = true;
                    }
                    else
                    {
                        metadata = r;
                        deferMetadata = true;
                    }

                    break;
            }

            r.Skip();
        }

        // Throws on trailing content after the object.
        r.Read();

        if (!hasSchema)
        {
            return Missing(e, "schema");
        }

        if (schemaError != EnvelopeError.None)
        {
            return Fail(e, schemaError, "schema must be a number.");
        }

        if (!hasName)
        {
            return Missing(e, "event");
        }

        if (nameError != EnvelopeError.None)
        {
            return Fail(e, nameError, nameMessage!);
        }

        if (!hasTime)
        {
            return Missing(e, "time");
        }

        if (timeError != EnvelopeError.None)
        {
            return Fail(e, timeError, timeMessage!);
        }

        if (unitError != EnvelopeError.None)
        {
            return Fail(e, unitError, unitMessage!);
        }

        if (!hasSource)
        {
            return Missing(e, "source");
        }

        if (sourceError != EnvelopeError.None)
        {
            return Fail(e, sourceError, sourceMessage!);
        }

        var definition = e.Definition!;
        EnvelopeError error;

        if (deferMeasurements)
        {
            error = ReadFields(ref measurements, e, measurements: true, capture);
            if (error != EnvelopeError.None)
            {
                return error;
            }
        }

        if (deferMetadata)
        {
            error = ReadFields(ref metadata, e, measurements: false, capture);
            if (error != EnvelopeError.None)
            {
                return error;
            }
        }

        error = FinishDurations(e);
        if (error != EnvelopeError.None)
        {
            return error;
        }

        var missing = definition.RequiredMask & ~e.Seen;
        if (missing != 0)
        {
            return Missing(e, definition.Fields[System.Numerics.BitOperations.TrailingZeroCount(missing)].Name);
        }

        ApplyNotableRules(definition, e);
        return EnvelopeError.None;
    }

    private static TopKey TopLevelKey(ref Utf8JsonReader r)
    {
        if (r.ValueIsEscaped)
        {
            return r.ValueTextEquals("schema"u8) ? TopKey.Schema : r.ValueTextEquals("event"u8) ? TopKey.Event
                : r.ValueTextEquals("time"u8) ? TopKey.Time : r.ValueTextEquals("time_unit"u8) ? TopKey.TimeUnit
                : r.ValueTextEquals("source"u8) ? TopKey.Source : r.ValueTextEquals("measurements"u8) ? TopKey.Measurements
                : r.ValueTextEquals("metadata"u8) ? TopKey.Metadata : TopKey.Other;
        }

        var k = r.ValueSpan;
        return k.Length switch
        {
            4 when k.SequenceEqual("time"u8) => TopKey.Time,
            5 when k.SequenceEqual("event"u8) => TopKey.Event,
            6 when k.SequenceEqual("schema"u8) => TopKey.Schema,
            6 when k.SequenceEqual("source"u8) => TopKey.Source,
            8 when k.SequenceEqual("metadata"u8) => TopKey.Metadata,
            9 when k.SequenceEqual("time_unit"u8) => TopKey.TimeUnit,
            12 when k.SequenceEqual("measurements"u8) => TopKey.Measurements,
            _ => TopKey.Other,
        };
    }

    private static string TopKeyName(TopKey key) => key switch
    {
        TopKey.Schema => "schema",
        TopKey.Event => "event",
        TopKey.Time => "time",
        TopKey.TimeUnit => "time_unit",
        TopKey.Source => "source",
        TopKey.Measurements => "measurements",
        _ => "metadata",
    };

    private enum TopKey
    {
        Other,
        Schema,
        Event,
        Time,
        TimeUnit,
        Source,
        Measurements,
        Metadata,
    }

    private static EnvelopeError Missing(DecodedEvent e, string field) => Fail(e, EnvelopeError.MissingField, $"{field} is required.");

    private static EnvelopeError Fail(DecodedEvent e, EnvelopeError error, string message)
    {
        e.Error = error;
        e.ErrorMessage = message;
        return error;
    }
}
