using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// Turns arbitrary strings (metric names, dimension values, topics, origins) into legal Table keys and back.
/// Table Storage forbids <c>/ \ # ?</c> and control characters in keys; we also escape our own separators
/// (<c>| = ,</c>), the escape character <c>%</c>, the OData quote <c>'</c> and lone surrogates, percent-style,
/// so any Unicode string round-trips. Everything else (letters in any script, emoji) stays as it is.
/// </summary>
internal static class KeyEncoding
{
    /// <summary>
    /// The service allows 1 KiB per key; counting UTF-16 bytes (2 per char) is the strictest reading of that,
    /// so a key never exceeds it however the service measures.
    /// </summary>
    public const int MaxKeyChars = 512;

    /// <summary>The part of an over-long key kept readable before its hash (the rest identifies it by SHA-256).</summary>
    private const int KeptPrefixChars = 200;

    /// <summary>One arbitrary string as a whole key: escaped, then bounded.</summary>
    public static string Key(string value) => Bound(Escape(value));

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? sb = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? escaped = null;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb?.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                escaped = "%u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
            }
            else if (NeedsEscape(c))
            {
                escaped = "%" + ((int)c).ToString("X2", CultureInfo.InvariantCulture);
            }

            if (escaped is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(value.Length + 16).Append(value, 0, i);
            sb.Append(escaped);
        }

        return sb?.ToString() ?? value;
    }

    public static string Unescape(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!encoded.Contains('%', StringComparison.Ordinal))
        {
            return encoded;
        }

        var sb = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (i + 1 < encoded.Length && encoded[i + 1] == 'u')
            {
                sb.Append((char)int.Parse(encoded.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 5;
            }
            else
            {
                sb.Append((char)int.Parse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Keeps a key within <see cref="MaxKeyChars"/>: an over-long key becomes a readable prefix plus the SHA-256 of
    /// the whole key. Rows always carry their full identity in properties, so nothing is lost by hashing.
    /// </summary>
    public static string Bound(string key, int maxChars = MaxKeyChars)
    {
        if (key.Length <= maxChars)
        {
            return key;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var keep = Math.Min(KeptPrefixChars, maxChars - hash.Length - 1);
        // Do not cut an escape sequence or a surrogate pair in half.
        while (keep > 0 && (key[keep - 1] == '%' || char.IsHighSurrogate(key[keep - 1]) || (keep > 1 && key[keep - 2] == '%')))
        {
            keep--;
        }

        return string.Concat(key.AsSpan(0, keep), "~", hash);
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or '|' or '=' or ',' or '\'' or '~' || char.IsControl(c);
}
