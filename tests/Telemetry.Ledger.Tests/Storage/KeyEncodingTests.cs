using CsCheck;
using Telemetry.Ledger.Storage;
using Xunit;

namespace Telemetry.Ledger.Tests.Storage;

public sealed class KeyEncodingTests
{
    [Fact]
    public void Any_string_round_trips_and_its_encoding_is_a_legal_key_character_set()
    {
        Gen.String[Gen.Char, 0, 300].Sample(s =>
        {
            var encoded = KeyEncoding.Escape(s);
            Assert.Equal(s, KeyEncoding.Unescape(encoded));
            Assert.DoesNotContain(encoded, c => c is '/' or '\\' or '#' or '?' or '|' or '=' or ',' or '\'' or '~' || char.IsControl(c));
            for (var i = 0; i < encoded.Length; i++)
            {
                // No lone surrogates survive: they are escaped.
                if (char.IsHighSurrogate(encoded[i]))
                {
                    Assert.True(i + 1 < encoded.Length && char.IsLowSurrogate(encoded[++i]));
                }
                else
                {
                    Assert.False(char.IsLowSurrogate(encoded[i]));
                }
            }
        }, iter: 2000);
    }

    [Fact]
    public void Plain_names_are_left_readable()
    {
        Assert.Equal("event_pipeline.event.executed.duration", KeyEncoding.Escape("event_pipeline.event.executed.duration"));
        Assert.Equal("Zürich-東京-🚀", KeyEncoding.Escape("Zürich-東京-🚀"));
        Assert.Equal("a%2Fb%5Cc%23d%3Fe%25f%0A", KeyEncoding.Escape("a/b\\c#d?e%f\n"));
    }

    [Fact]
    public void Over_long_keys_are_bounded_by_a_hash_and_stay_distinct()
    {
        var a = KeyEncoding.Bound(new string('x', 5000) + "a");
        var b = KeyEncoding.Bound(new string('x', 5000) + "b");
        Assert.True(a.Length <= KeyEncoding.MaxKeyChars);
        Assert.NotEqual(a, b);
        TableServiceRules.ValidateKey(a, "RowKey");
        Assert.Equal("short", KeyEncoding.Bound("short"));
    }
}
