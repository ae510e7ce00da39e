namespace Telemetry.Domain.Ingestion;

/// <summary>
/// Parses RFC 3339 timestamps (<c>2026-11-23T12:00:00.123Z</c>, <c>...+01:00</c>) straight from UTF-8,
/// without allocating. <c>Utf8Parser</c>'s round-trip format wants exactly seven fraction digits, which producers do not send.
/// </summary>
internal static class Rfc3339
{
    /// <summary>Returns false for anything that is not a valid RFC 3339 date-time.</summary>
    public static bool TryParseUnixMilliseconds(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)
            || !Digits(s.Slice(11, 2), out var hour) || !Digits(s.Slice(14, 2), out var minute) || !Digits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var i = 19;
        var fractionMs = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            var scale = 100;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                fractionMs += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        var offsetMinutes = 0;
        if ((s[i] | 0x20) == 'z')
        {
            i++;
        }
        else if (s[i] is (byte)'+' or (byte)'-')
        {
            if (s.Length - i != 6 || s[i + 3] != ':' || !Digits(s.Slice(i + 1, 2), out var oh) || !Digits(s.Slice(i + 4, 2), out var om) || oh > 23 || om > 59)
            {
                return false;
            }

            offsetMinutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }

        if (i != s.Length)
        {
            return false;
        }

        // A leap second (:60) is folded onto :59; minute windows do not care.
        var utc = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        unixMs = (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond + fractionMs - offsetMinutes * 60_000L;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var b in s)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = value * 10 + (int)d;
        }

        return true;
    }
}
