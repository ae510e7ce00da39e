namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Keeps text well-formed UTF-16: cut on code-point boundaries, lone surrogates replaced by U+FFFD. Only
/// well-formed text survives a round trip through UTF-8 (Table Storage, JSON, Kafka headers) unchanged, so a
/// series held in memory and the same series read back from the ledger are equal by construction.
/// </summary>
internal static class WellFormedText
{
    /// <summary>The longest prefix of at most <paramref name="maxChars"/> chars that does not split a surrogate pair.</summary>
    public static int CutLength(ReadOnlySpan<char> text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text.Length;
        }

        return maxChars > 0 && char.IsHighSurrogate(text[maxChars - 1]) && char.IsLowSurrogate(text[maxChars]) ? maxChars - 1 : maxChars;
    }

    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return false;
            }

            i++;
        }

        return true;
    }

    /// <summary>Copies <paramref name="text"/> into <paramref name="destination"/> (same length) with every lone surrogate as U+FFFD.</summary>
    public static void Repair(ReadOnlySpan<char> text, Span<char> destination)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                destination[i] = c;
                destination[i + 1] = text[i + 1];
                i++;
            }
            else
            {
                destination[i] = char.IsSurrogate(c) ? '\uFFFD' : c;
            }
        }
    }

    /// <summary><paramref name="text"/> itself when well-formed, else a repaired copy.</summary>
    public static string Repair(string text)
    {
        if (IsWellFormed(text))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, s) => Repair(s, span));
    }

    /// <summary>At most <paramref name="maxChars"/> chars, cut on a code-point boundary, well-formed.</summary>
    public static string Cut(string text, int maxChars) =>
        Repair(text.Length <= maxChars ? text : text[..CutLength(text, maxChars)]);
}
