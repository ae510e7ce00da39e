using System.Text.Json;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;

namespace Telemetry.Domain.Ingestion;

// Notable events are rare, so what they carry (reason, attributes) is only read when the caller asks to capture.
internal sealed partial class EnvelopeDecoder
{
    public const int MaxAttributeChars = 256;

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
