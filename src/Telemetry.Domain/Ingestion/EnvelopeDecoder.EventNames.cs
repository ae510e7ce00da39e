using System.Text.Json;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Processing;

namespace Telemetry.Domain.Ingestion;

// Event names arrive dotted or as a :telemetry list; both must resolve to the same catalog entry.
internal sealed partial class EnvelopeDecoder
{
    public const int MaxEventNameBytes = 128;

    private const long MicrosPerEvent = 1_000_000;

    // Direct-mapped cache of dotted names as sent (UTF-8) → definition: the stream repeats a few dozen names.
    private readonly (byte[]? Name, EventDefinition? Definition)[] _names = new (byte[]?, EventDefinition?)[256];

    private EnvelopeError ResolveEvent(ref Utf8JsonReader name, DecodedEvent e)
    {
        Span<char> chars = stackalloc char[MaxEventNameBytes];
        var length = 0;
        var slot = -1;
        if (name.TokenType == JsonTokenType.String && !name.ValueIsEscaped)
        {
            var raw = name.ValueSpan;
            var h = Fnv1a.Hash(raw);

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
}
