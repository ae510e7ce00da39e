using System.Text.Json;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// A JSON number as <see cref="Mantissa"/> / 10^<see cref="Scale"/>, read from its text without going through a
/// double, so that every integer up to 18 digits (and every decimal up to 18 significant digits) converts to the
/// aggregates' micro-units exactly. A double has 53 bits: above about 9·10⁹, value × 10⁶ as a double is already
/// off by more than one micro-unit.
/// </summary>
internal readonly record struct ExactNumber(long Mantissa, int Scale)
{
    /// <summary>Largest magnitude in micro-units (9·10¹² metric units): sums of many still fit an Int128 easily.</summary>
    public const long MaxMicros = 9_000_000_000_000_000_000;

    /// <summary>Most fraction digits kept; finer digits are rounded away (far below one micro-unit in any unit).</summary>
    public const int MaxScale = 18;

    private static readonly long[] Pow10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

    public bool IsNegative => Mantissa < 0;

    /// <summary>True when the value has no fractional part (<c>100</c>, <c>100.0</c>, <c>1e3</c>).</summary>
    public bool IsInteger => Scale == 0 || Mantissa % Pow10[Scale] == 0;

    /// <summary>
    /// Reads the current number token. False only when its magnitude is beyond any accepted value (more than 18
    /// integer digits, or an exponent past decimal's range): the caller refuses it as too large.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader r, out ExactNumber number)
    {
        var s = r.ValueSpan;
        if (!r.HasValueSequence && s.Length <= 20)
        {
            // Plain decimals (nearly every measurement): digits, an optional sign and point, no exponent.
            var i = 0;
            var negative = s[0] == '-';
            if (negative)
            {
                i++;
            }

            long mantissa = 0;
            var digits = 0;
            var fraction = -1;
            for (; i < s.Length; i++)
            {
                var d = (uint)(s[i] - '0');
                if (d <= 9)
                {
                    mantissa = (mantissa * 10) + d;
                    digits++;
                    if (fraction >= 0)
                    {
                        fraction++;
                    }
                }
                else if (s[i] == '.' && fraction < 0)
                {
                    fraction = 0;
                }
                else
                {
                    break;
                }
            }

            if (i == s.Length && digits is > 0 and <= 18)
            {
                number = new ExactNumber(negative ? -mantissa : mantissa, Math.Max(fraction, 0));
                return true;
            }
        }

        if (r.TryGetDecimal(out var value))
        {
            return TryFromDecimal(value, out number);
        }

        // Beyond decimal (about 7.9·10²⁸): tiny magnitudes are zero micro-units, anything else is too large.
        number = default;
        return r.TryGetDouble(out var d2) && Math.Abs(d2) < 1;
    }

    internal static bool TryFromDecimal(decimal value, out ExactNumber number)
    {
        var scale = (int)value.Scale;
        if (scale > MaxScale)
        {
            scale = MaxScale;
            value = Math.Round(value, scale, MidpointRounding.AwayFromZero);
        }

        while (true)
        {
            // Exact: decimal holds 96-bit integers, and value × 10^scale is value's own unscaled integer.
            var unscaled = decimal.Truncate(value * Pow10[scale]);
            if (unscaled is <= long.MaxValue and >= -long.MaxValue)
            {
                number = new ExactNumber((long)unscaled, scale);
                return true;
            }

            if (scale == 0)
            {
                number = default;
                return false;
            }

            scale--;
            value = Math.Round(value, scale, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>
    /// This number × <paramref name="microsPerUnit"/>, rounded half away from zero to a whole micro-unit, in integer
    /// arithmetic. False when the magnitude exceeds <see cref="MaxMicros"/>.
    /// </summary>
    public bool TryToMicros(long microsPerUnit, out long micros)
    {
        Int128 product;
        if (Scale == 0)
        {
            product = (Int128)Mantissa * microsPerUnit;
        }
        else if (microsPerUnit % Pow10[Scale] == 0)
        {
            // The common case (1.7 ms, 0.002 s): the point shifts within the multiplier, no division.
            product = (Int128)Mantissa * (microsPerUnit / Pow10[Scale]);
        }
        else
        {
            var scaled = (Int128)Mantissa * microsPerUnit;
            var divisor = (Int128)Pow10[Scale];
            product = Int128.DivRem(scaled, divisor) is var (q, rem) && Int128.Abs(rem) * 2 >= divisor ? q + Int128.Sign(scaled) : q;
        }

        if (product > MaxMicros || product < -MaxMicros)
        {
            micros = 0;
            return false;
        }

        micros = (long)product;
        return true;
    }

    /// <summary>An approximation for comparisons with a field's minimum; sums never use it.</summary>
    public double ToDouble() => Scale == 0 ? Mantissa : Mantissa / (double)Pow10[Scale];
}
