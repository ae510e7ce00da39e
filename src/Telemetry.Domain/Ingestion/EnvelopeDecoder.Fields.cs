using System.Text.Json;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Ingestion;

// Measurements and metadata: numbers become exact micro-units here, so sums never drift through doubles.
internal sealed partial class EnvelopeDecoder
{
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
        var length = 0;
        if (!AppendName(name, chars, ref length, allowDots: false))
        {
            // Not an identifier: cannot become part of a metric name; skipped.
            return EnvelopeError.None;
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

        field = _generic.Measurement(definition, chars[..length]);
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

    private static EnvelopeError TooLarge(DecodedEvent e, FieldDefinition field) =>
        Fail(e, EnvelopeError.OutOfRange, $"{field.Name} is too large (at most {MaxMetricValue} in its metric's unit, after unit conversion).");

    private static EnvelopeError WrongType(DecodedEvent e, FieldDefinition field, string expected) =>
        Fail(e, EnvelopeError.WrongType, $"{field.Name} must be {expected}.");
}
