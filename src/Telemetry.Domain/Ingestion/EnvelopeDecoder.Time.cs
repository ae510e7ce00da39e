using System.Text.Json;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Ingestion;

// time and time_unit: a native duration cannot be converted until the whole envelope is read, because
// time_unit may come after the measurements.
internal sealed partial class EnvelopeDecoder
{
    private const long MinTimeMs = 946_684_800_000;   // 2000-01-01T00:00:00Z
    private const long MaxTimeMs = 4_102_444_800_000; // 2100-01-01T00:00:00Z

    private const int MaxEscapedTimeBytes = 6 * 40;

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
}
