using System.Text;
using Telemetry.Domain.Aggregation;

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

    // In front of the dictionary: values keyed by their UTF-8 bytes, so a known value costs one byte hash and
    // one compare, without transcoding. Open addressing, linear probing, kept at most half full.
    private Utf8Entry[] _utf8 = new Utf8Entry[1024];
    private int _utf8Count;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public DimensionValuePool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _values.Count;

    /// <summary>The interned value of UTF-8 text; a leading <c>:</c> (an inspected Elixir atom) is dropped.</summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        var hash = HashOf(utf8);
        var mask = _utf8.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            ref var entry = ref _utf8[i];
            if (entry.Key is null)
            {
                break;
            }

            if (entry.Hash == hash && utf8.SequenceEqual(entry.Key))
            {
                return entry.Value;
            }
        }

        var value = InternSlow(utf8);
        if (utf8.Length <= MaxValueChars * 4 && _utf8Count < Capacity && !ReferenceEquals(value, OverflowValue))
        {
            AddUtf8(utf8.ToArray(), hash, value);
        }

        return value;
    }

    private static int HashOf(ReadOnlySpan<byte> utf8) => (int)(Fnv1a.Hash(utf8) & 0x7FFFFFFF);

    private void AddUtf8(byte[] key, int hash, string value)
    {
        if ((_utf8Count + 1) * 2 > _utf8.Length)
        {
            var old = _utf8;
            _utf8 = new Utf8Entry[old.Length * 2];
            _utf8Count = 0;
            foreach (var e in old)
            {
                if (e.Key is not null)
                {
                    AddUtf8(e.Key, e.Hash, e.Value);
                }
            }
        }

        var mask = _utf8.Length - 1;
        var i = hash & mask;
        while (_utf8[i].Key is not null)
        {
            i = (i + 1) & mask;
        }

        _utf8[i] = new Utf8Entry(key, hash, value);
        _utf8Count++;
    }

    private string InternSlow(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[MaxValueChars * 4];
        var limit = Math.Min(utf8.Length, MaxValueChars * 4);
        // Cut on a character boundary: the decoder stops before an incomplete sequence.
        _ = System.Text.Unicode.Utf8.ToUtf16(utf8[..limit], chars, out _, out var written, replaceInvalidSequences: true, isFinalBlock: limit == utf8.Length);
        return Intern((ReadOnlySpan<char>)chars[..written]);
    }

    public string Intern(scoped ReadOnlySpan<char> value)
    {
        if (value.Length > 0 && value[0] == ':')
        {
            value = value[1..];
        }

        // Cut on a code-point boundary and never keep a lone surrogate: the value must survive UTF-8 (the ledger's
        // keys and properties) unchanged, or the stored series would differ from the one in memory.
        value = value[..WellFormedText.CutLength(value, MaxValueChars)];
        Span<char> repaired = stackalloc char[MaxValueChars];
        if (!WellFormedText.IsWellFormed(value))
        {
            WellFormedText.Repair(value, repaired);
            value = repaired[..value.Length];
        }

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

    /// <summary>
    /// Keeps an already interned value (from an earlier pool) as is, so series that outlive a pool keep comparing by
    /// reference with the values decoded from now on. No <c>:</c> stripping or cut: the value was normalised once.
    /// </summary>
    public string Adopt(string value)
    {
        if (_values.TryGetValue(value, out var existing))
        {
            return existing;
        }

        _values.Add(value, value);
        return value;
    }

    private readonly record struct Utf8Entry(byte[] Key, int Hash, string Value);

    internal static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
