using System.Text;

namespace Telemetry.Domain.Ingestion;

/// <summary>
/// Interns dimension values read as UTF-8, so that a steady stream of known values allocates nothing and
/// series keys compare by reference. Bounded: past <see cref="Capacity"/> values are still returned, just not kept.
/// </summary>
internal sealed class DimensionValuePool
{
    /// <summary>Longest dimension value kept; longer values (Erlang terms) are cut, and the cardinality cap bounds the rest.</summary>
    public const int MaxValueChars = 64;

    public const int Capacity = 65_536;

    public const string OverflowValue = "_other";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public DimensionValuePool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _values.Count;

    /// <summary>The interned value of UTF-8 text; a leading <c>:</c> (an inspected Elixir atom) is dropped.</summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[MaxValueChars * 4];
        var limit = Math.Min(utf8.Length, MaxValueChars * 4);
        // Cut on a character boundary: the decoder stops before an incomplete sequence.
        _ = System.Text.Unicode.Utf8.ToUtf16(utf8[..limit], chars, out _, out var written, replaceInvalidSequences: true, isFinalBlock: limit == utf8.Length);
        return Intern((ReadOnlySpan<char>)chars[..written]);
    }

    public string Intern(ReadOnlySpan<char> value)
    {
        if (value.Length > 0 && value[0] == ':')
        {
            value = value[1..];
        }

        value = value[..Math.Min(value.Length, MaxValueChars)];
        if (_lookup.TryGetValue(value, out var existing))
        {
            return existing;
        }

        if (_values.Count >= Capacity)
        {
            return OverflowValue;
        }

        var s = value.ToString();
        _values.Add(s, s);
        return s;
    }

    internal static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
