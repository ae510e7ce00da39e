using System.Text.Json;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Processing;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// Decodes and validates one envelope (docs/envelope.md) with <see cref="Utf8JsonReader"/>, straight from the
/// record's bytes. A valid envelope of a known event allocates nothing: names are matched as UTF-8, dimension
/// values are interned, and the output goes into a reused <see cref="DecodedEvent"/>. Error messages name
/// fields and limits only, never values, so they can go into DLQ headers and logs.
/// </summary>
internal sealed class EnvelopeDecoder
{
    public const int SchemaVersion = 1;
    public const int MaxEventNameBytes = 128;
    public const int MaxSourceBytes = 256;
    public const int MaxAttributeChars = 256;
    private const long MinTimeMs = 946_684_800_000;   // 2000-01-01T00:00:00Z
    private const long MaxTimeMs = 4_102_444_800_000; // 2100-01-01T00:00:00Z

    /// <summary>Nesting limit of the whole envelope (the reader's MaxDepth): deeper input is <c>not_json</c>.</summary>
    public const int MaxDepth = 32;

    /// <summary>Largest magnitude of a value in its metric's unit (milliseconds for durations), after unit conversion.</summary>
    public const long MaxMetricValue = ExactNumber.MaxMicros / 1_000_000;

    private const long MicrosPerEvent = 1_000_000;

    private static readonly string SourceTooLong = $"source is longer than {MaxSourceBytes} bytes.";

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private readonly TelemetryCatalog _catalog;

    // Direct-mapped cache of dotted names as sent (UTF-8) → definition: the stream repeats a few dozen names.
    private readonly (byte[]? Name, EventDefinition? Definition)[] _names = new (byte[]?, EventDefinition?)[256];
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

    /// <summary>Converts native durations now that time_unit is known; the range is checked after conversion.</summary>
    private static EnvelopeError FinishDurations(DecodedEvent e)
    {
        var perNative = FieldDefinition.MicrosPerNative(e.TimeUnit);
        for (var i = 0; i < e.ObservationCount; i++)
        {
            ref var o = ref e.Observations[i];
            if (!o.Native)
            {
                continue;
            }

            if (!o.Raw.TryToMicros(perNative, out var micros))
            {
                return Fail(e, EnvelopeError.OutOfRange, $"{o.Metric.Name} is too large (at most {MaxMetricValue} ms after unit conversion).");
            }

            o.Micros = micros;
            o.Native = false;
            if (o.FieldIndex >= 0)
            {
                e.FieldValues[o.FieldIndex] = micros / 1_000_000d;
            }
        }

        if (e.DurationObservation >= 0)
        {
            e.DurationMs = e.Observations[e.DurationObservation].Micros / 1_000_000d;
        }

        return EnvelopeError.None;
    }

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

    private EnvelopeError ResolveEvent(ref Utf8JsonReader name, DecodedEvent e)
    {
        Span<char> chars = stackalloc char[MaxEventNameBytes];
        var length = 0;
        var slot = -1;
        if (name.TokenType == JsonTokenType.String && !name.ValueIsEscaped)
        {
            var raw = name.ValueSpan;
            var h = 2166136261u;
            foreach (var b in raw)
            {
                h = (h ^ b) * 16777619u;
            }

            // Up to four probes; a name that finds no free slot is simply not cached (no evictions, no churn).
            var mask = _names.Length - 1;
            for (var probe = 0; probe < 4; probe++)
            {
                var i = (int)((h + (uint)probe) & (uint)mask);
                var (cachedName, cachedDefinition) = _names[i];
                if (cachedName is null)
                {
                    slot = i;
                    break;
                }

                if (raw.SequenceEqual(cachedName))
                {
                    return Resolved(e, cachedDefinition!);
                }
            }
        }

        if (name.TokenType == JsonTokenType.String)
        {
            if (name.ValueIsEscaped || !AppendName(name.ValueSpan, chars, ref length, allowDots: true))
            {
                return BadName(e, name.ValueSpan.Length);
            }
        }
        else if (name.TokenType == JsonTokenType.StartArray)
        {
            // The :telemetry list form: ["kafee", "batch", "process_end"] (atoms may arrive as ":kafee").
            while (name.Read() && name.TokenType != JsonTokenType.EndArray)
            {
                if (name.TokenType != JsonTokenType.String)
                {
                    return Fail(e, EnvelopeError.WrongType, "event must be a string or a list of strings.");
                }

                var segment = name.ValueSpan;
                if (segment.Length > 0 && segment[0] == ':')
                {
                    segment = segment[1..];
                }

                if (length > 0)
                {
                    if (length >= chars.Length)
                    {
                        return BadName(e, MaxEventNameBytes + 1);
                    }

                    chars[length++] = '.';
                }

                if (segment.IsEmpty || name.ValueIsEscaped || !AppendName(segment, chars, ref length, allowDots: false))
                {
                    return BadName(e, length + segment.Length);
                }
            }
        }
        else
        {
            return Fail(e, EnvelopeError.WrongType, "event must be a string or a list of strings.");
        }

        var text = chars[..length];
        if (!IsDottedIdentifier(text))
        {
            return Fail(e, EnvelopeError.UnknownEvent, "event must be at least two dot-separated lowercase identifiers.");
        }

        if (_catalog.TryFind(text, out var definition))
        {
            if (slot >= 0)
            {
                _names[slot] = (name.ValueSpan.ToArray(), definition);
            }

            return Resolved(e, definition);
        }

        if (_options.UnknownEvents == UnknownEventPolicy.Reject)
        {
            return Fail(e, EnvelopeError.UnknownEvent, "The event is not in the catalog (Ingestion:UnknownEvents is reject).");
        }

        var generic = _generic.GetOrAdd(text);
        if (generic is null)
        {
            return Fail(e, EnvelopeError.UnknownEvent, $"More than {_options.MaxUnknownEvents} distinct unknown events (Ingestion:MaxUnknownEvents).");
        }

        if (slot >= 0)
        {
            _names[slot] = (name.ValueSpan.ToArray(), generic);
        }

        return Resolved(e, generic);
    }

    private static EnvelopeError Resolved(DecodedEvent e, EventDefinition definition)
    {
        e.Definition = definition;
        e.TimeUnit = e.TimeUnitGiven ? e.TimeUnit : definition.DefaultTimeUnit;
        e.AddObservation(definition.CountMetric, definition.CountMetricSlots, MicrosPerEvent);
        return EnvelopeError.None;
    }

    private static EnvelopeError BadName(DecodedEvent e, int length) => length > MaxEventNameBytes
        ? Fail(e, EnvelopeError.Oversized, $"event is longer than {MaxEventNameBytes} bytes.")
        : Fail(e, EnvelopeError.UnknownEvent, "event must be at least two dot-separated lowercase identifiers.");

    private static bool AppendName(ReadOnlySpan<byte> utf8, Span<char> chars, ref int length, bool allowDots)
    {
        if (length + utf8.Length > chars.Length)
        {
            return false;
        }

        foreach (var b in utf8)
        {
            if (!(IsIdentifierByte(b) || (allowDots && b == '.')))
            {
                return false;
            }

            chars[length++] = (char)b;
        }

        return true;
    }

    private static bool IsIdentifierByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_';

    private static bool IsDottedIdentifier(ReadOnlySpan<char> name)
    {
        var segments = 0;
        var segmentLength = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (segmentLength == 0)
                {
                    return false;
                }

                segments++;
                segmentLength = 0;
            }
            else
            {
                segmentLength++;
            }
        }

        return segmentLength > 0 && segments >= 1;
    }

    private EnvelopeError ReadTime(ref Utf8JsonReader time, long recordTimestampMs, DecodedEvent e)
    {
        long ms;
        if (time.TokenType == JsonTokenType.String)
        {
            // .NET's default encoder writes '+' as \u002B: unescape first. A date-time is at most 35 bytes, six per
            // character when every one is escaped; anything longer cannot be one.
            Span<byte> unescaped = time.ValueIsEscaped ? stackalloc byte[MaxEscapedTimeBytes] : default;
            scoped ReadOnlySpan<byte> text = time.ValueSpan;
            if (time.ValueIsEscaped)
            {
                text = text.Length <= unescaped.Length ? unescaped[..time.CopyString(unescaped)] : default;
            }

            if (text.IsEmpty || !Rfc3339.TryParseUnixMilliseconds(text, out ms))
            {
                return Fail(e, EnvelopeError.WrongType, "time must be an RFC 3339 date-time or epoch milliseconds.");
            }
        }
        else if (time.TokenType == JsonTokenType.Number)
        {
            if (!time.TryGetInt64(out ms))
            {
                if (!time.TryGetDouble(out var d) || d is < MinTimeMs or > MaxTimeMs)
                {
                    return Fail(e, EnvelopeError.OutOfRange, "time must lie between 2000-01-01 and 2100-01-01.");
                }

                ms = (long)Math.Floor(d);
            }
        }
        else
        {
            return Fail(e, EnvelopeError.WrongType, "time must be an RFC 3339 date-time or epoch milliseconds.");
        }

        if (ms is < MinTimeMs or >= MaxTimeMs)
        {
            return Fail(e, EnvelopeError.OutOfRange, "time must lie between 2000-01-01 and 2100-01-01.");
        }

        if (recordTimestampMs > 0 && ms > recordTimestampMs + _options.MaxFutureSkewSeconds * 1000L)
        {
            return Fail(e, EnvelopeError.OutOfRange, $"time is more than {_options.MaxFutureSkewSeconds} s after the record's timestamp (Ingestion:MaxFutureSkewSeconds).");
        }

        e.TimeUnixMs = ms;
        return EnvelopeError.None;
    }

    private const int MaxEscapedTimeBytes = 6 * 40;

    private static EnvelopeError ReadTimeUnit(ref Utf8JsonReader unit, DecodedEvent e)
    {
        if (unit.TokenType != JsonTokenType.String)
        {
            return Fail(e, EnvelopeError.WrongType, "time_unit must be a string.");
        }

        // ValueTextEquals unescapes when it has to, so an escaped spelling of a unit is that unit.
        EnvelopeTimeUnit? parsed = unit.ValueTextEquals("native"u8) ? EnvelopeTimeUnit.Native
            : unit.ValueTextEquals("nanosecond"u8) ? EnvelopeTimeUnit.Nanosecond
            : unit.ValueTextEquals("microsecond"u8) ? EnvelopeTimeUnit.Microsecond
            : unit.ValueTextEquals("millisecond"u8) ? EnvelopeTimeUnit.Millisecond
            : unit.ValueTextEquals("second"u8) ? EnvelopeTimeUnit.Second
            : null;
        if (parsed is null)
        {
            return Fail(e, EnvelopeError.OutOfRange, "time_unit must be native, nanosecond, microsecond, millisecond or second.");
        }

        e.TimeUnit = parsed.Value;
        e.TimeUnitGiven = true;
        return EnvelopeError.None;
    }

    private EnvelopeError ReadFields(ref Utf8JsonReader r, DecodedEvent e, bool measurements, bool capture)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            r.Skip();
            return Fail(e, EnvelopeError.WrongType, measurements ? "measurements must be an object." : "metadata must be an object.");
        }

        var definition = e.Definition!;
        var isMeasurements = measurements;
        var seenHere = 0UL;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var field = Find(definition, ref r);
            if (field is null && definition.IsGeneric && isMeasurements)
            {
                var error = ResolveGenericMeasurement(definition, ref r, e, out field);
                if (error != EnvelopeError.None)
                {
                    return error;
                }
            }

            // A field twice in one object is refused (it must not count twice, and which value is meant is unclear);
            // once in measurements and once in metadata stays allowed, the first occurrence counting.
            if (field is not null && IsRepeated(field, e, ref seenHere))
            {
                return Fail(e, EnvelopeError.DuplicateKey, $"{field.Name} appears more than once in {(measurements ? "measurements" : "metadata")}.");
            }

            r.Read();
            if (field is null || (field.Index >= 0 && (e.Seen & (1UL << field.Index)) != 0) || (field.Use & FieldUse.Payload) != 0)
            {
                // Unknown fields, repeats and payloads are skipped unread.
                r.Skip();
                continue;
            }

            if (r.TokenType == JsonTokenType.Null)
            {
                // Elixir's nil (exit_code: nil, device: nil): the same as absent.
                continue;
            }

            var error2 = ReadField(field, ref r, e, capture);
            if (error2 != EnvelopeError.None)
            {
                return error2;
            }
        }

        return EnvelopeError.None;
    }

    private static bool IsRepeated(FieldDefinition field, DecodedEvent e, ref ulong seenHere)
    {
        if (field.Index >= 0)
        {
            var bit = 1UL << field.Index;
            var repeated = (seenHere & bit) != 0;
            seenHere |= bit;
            return repeated;
        }

        // A generic measurement has no index; it has been read once when its metric already has an observation.
        for (var i = 0; i < e.ObservationCount; i++)
        {
            if (ReferenceEquals(e.Observations[i].Metric, field.Metric))
            {
                return true;
            }
        }

        return false;
    }

    private static FieldDefinition? Find(EventDefinition definition, ref Utf8JsonReader r)
    {
        var fields = definition.Fields;
        if (r.ValueIsEscaped)
        {
            for (var i = 0; i < fields.Length; i++)
            {
                if (r.ValueTextEquals(fields[i].Utf8Name))
                {
                    return fields[i];
                }
            }

            return null;
        }

        // Names are short and mostly differ in length: compare lengths first, bytes only on a length match.
        var name = r.ValueSpan;
        for (var i = 0; i < fields.Length; i++)
        {
            var candidate = fields[i].Utf8Name;
            if (candidate.Length == name.Length && name.SequenceEqual(candidate))
            {
                return fields[i];
            }
        }

        return null;
    }

    private EnvelopeError ResolveGenericMeasurement(EventDefinition definition, ref Utf8JsonReader r, DecodedEvent e, out FieldDefinition? field)
    {
        field = null;
        var name = r.ValueSpan;
        if (r.ValueIsEscaped || name.IsEmpty || name.Length > 64)
        {
            return EnvelopeError.None;
        }

        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < name.Length; i++)
        {
            if (!IsIdentifierByte(name[i]))
            {
                // Not an identifier: cannot become part of a metric name; skipped.
                return EnvelopeError.None;
            }

            chars[i] = (char)name[i];
        }

        var peek = r;
        peek.Read();
        if (peek.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
        {
            return EnvelopeError.None;
        }

        if (peek.TokenType != JsonTokenType.Number)
        {
            return Fail(e, EnvelopeError.WrongType, "measurements must be numbers or booleans.");
        }

        field = _generic.Measurement(definition, chars[..name.Length]);
        if (field is null)
        {
            return Fail(e, EnvelopeError.Oversized, $"An unknown event may carry at most {GenericEventRegistry.MaxMeasurementsPerEvent} distinct measurements.");
        }

        return EnvelopeError.None;
    }

    private EnvelopeError ReadField(FieldDefinition field, ref Utf8JsonReader r, DecodedEvent e, bool capture)
    {
        if (field.Index >= 0)
        {
            e.Seen |= 1UL << field.Index;
        }

        switch (field.Type)
        {
            case FieldType.Number:
            case FieldType.Integer:
                if (r.TokenType != JsonTokenType.Number)
                {
                    return WrongType(e, field, "a number");
                }

                if (!ExactNumber.TryRead(ref r, out var value))
                {
                    return TooLarge(e, field);
                }

                if (field.Type == FieldType.Integer && !value.IsInteger)
                {
                    return WrongType(e, field, "an integer");
                }

                if (value.IsNegative && value.ToDouble() < field.Minimum)
                {
                    return Fail(e, EnvelopeError.OutOfRange, $"{field.Name} must be at least {field.Minimum}.");
                }

                // Native durations wait for time_unit (it may come last); their range is checked once converted.
                var native = field.Unit == MeasurementUnit.NativeTime;
                var micros = 0L;
                if (!native && !value.TryToMicros(field.MicrosPerUnit, out micros))
                {
                    return TooLarge(e, field);
                }

                if (field.Index >= 0 && !native)
                {
                    e.FieldValues[field.Index] = micros / 1_000_000d;
                }

                if (field.Metric is not null)
                {
                    if (e.ObservationCount >= DecodedEvent.MaxObservations)
                    {
                        return Fail(e, EnvelopeError.Oversized, "Too many measurements.");
                    }

                    if (field.IsDuration && e.DurationObservation < 0)
                    {
                        e.DurationObservation = e.ObservationCount;
                    }

                    if (native)
                    {
                        e.AddNativeObservation(field.Metric, field.MetricSlots, value, field.Index);
                    }
                    else
                    {
                        e.AddObservation(field.Metric, field.MetricSlots, micros, field.Index);
                    }
                }

                if (field.DimensionSlot >= 0)
                {
                    e.Dimensions[field.DimensionSlot] = _pool.Intern(r.ValueSpan);
                }

                break;

            case FieldType.Boolean:
                if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return WrongType(e, field, "a boolean");
                }

                if (field.DimensionSlot >= 0)
                {
                    e.Dimensions[field.DimensionSlot] = r.TokenType == JsonTokenType.True ? "true" : "false";
                }

                break;

            case FieldType.String:
                if (r.TokenType != JsonTokenType.String)
                {
                    return WrongType(e, field, "a string");
                }

                SetDimension(field, ref r, e);
                break;

            case FieldType.Scalar:
                if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    r.Skip();
                    return WrongType(e, field, "a string, number or boolean");
                }

                SetDimension(field, ref r, e);
                break;

            default:
                r.Skip();
                return EnvelopeError.None;
        }

        if (capture && (field.Use & (FieldUse.Attribute | FieldUse.Reason | FieldUse.Dimension)) != 0)
        {
            Capture(field, ref r, e);
        }

        return EnvelopeError.None;
    }

    private void SetDimension(FieldDefinition field, ref Utf8JsonReader r, DecodedEvent e)
    {
        if (field.DimensionSlot < 0)
        {
            return;
        }

        e.Dimensions[field.DimensionSlot] = r.TokenType switch
        {
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.String when r.ValueIsEscaped => _pool.Intern(Unescape(ref r)),
            _ => _pool.Intern(r.ValueSpan),
        };
    }

    private static string Unescape(ref Utf8JsonReader r)
    {
        var s = r.GetString() ?? string.Empty;
        return s.Length > DimensionValuePool.MaxValueChars * 4 ? WellFormedText.Cut(s, DimensionValuePool.MaxValueChars * 4) : s;
    }

    private static void Capture(FieldDefinition field, ref Utf8JsonReader r, DecodedEvent e)
    {
        string text = r.TokenType switch
        {
            JsonTokenType.String => r.GetString() ?? string.Empty,
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => DimensionValuePool.Decode(r.ValueSpan),
        };
        text = WellFormedText.Cut(text, MaxAttributeChars);

        if ((field.Use & FieldUse.Reason) != 0 && e.Reason is null)
        {
            e.Reason = text;
        }

        if ((field.Use & FieldUse.Attribute) != 0)
        {
            (e.Attributes ??= new Dictionary<string, string>(StringComparer.Ordinal))[field.Name] = text;
        }
    }

    private void ApplyNotableRules(EventDefinition definition, DecodedEvent e)
    {
        foreach (var rule in definition.NotableRules)
        {
            var fires = rule.Trigger switch
            {
                NotableTrigger.Always => true,
                NotableTrigger.FieldPresent => (e.Seen & (1UL << rule.Field!.Index)) != 0,
                NotableTrigger.FieldEquals => Contains(rule.Values, e.Dimensions[rule.Field!.DimensionSlot]),
                NotableTrigger.Slow => (e.Seen & (1UL << rule.Field!.Index)) != 0 && e.FieldValues[rule.Field.Index] > Threshold(rule.Field.Slow),
                _ => false,
            };
            if (fires)
            {
                e.AddNotable(rule.Kind);
            }
        }
    }

    private double Threshold(SlowCheck slow) => slow == SlowCheck.NetworkOperation ? _options.SlowNetworkOperationThresholdMs : _options.SlowEventThresholdMs;

    private static bool Contains(System.Collections.Immutable.ImmutableArray<string> values, string? value)
    {
        if (value is null)
        {
            return false;
        }

        foreach (var v in values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static EnvelopeError Missing(DecodedEvent e, string field) => Fail(e, EnvelopeError.MissingField, $"{field} is required.");

    private static EnvelopeError TooLarge(DecodedEvent e, FieldDefinition field) =>
        Fail(e, EnvelopeError.OutOfRange, $"{field.Name} is too large (at most {MaxMetricValue} in its metric's unit, after unit conversion).");

    private static EnvelopeError WrongType(DecodedEvent e, FieldDefinition field, string expected) =>
        Fail(e, EnvelopeError.WrongType, $"{field.Name} must be {expected}.");

    private static EnvelopeError Fail(DecodedEvent e, EnvelopeError error, string message)
    {
        e.Error = error;
        e.ErrorMessage = message;
        return error;
    }

    /// <summary>The attributes a notable event of this decoded envelope carries: dimensions, attribute fields, source.</summary>
    internal static Dictionary<string, string> NotableAttributes(DecodedEvent e)
    {
        var attributes = e.Attributes ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var definition = e.Definition!;
        for (var i = 0; i < definition.DimensionKeys.Length; i++)
        {
            if (e.Dimensions[i] is { } value)
            {
                attributes[definition.DimensionKeys[i]] = value;
            }
        }

        if (e.Source is not null)
        {
            attributes["source"] = e.Source;
        }

        return attributes;
    }
}
