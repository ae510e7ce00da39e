using System.Text;
using System.Text.Json;
using CsCheck;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>
/// Property: whatever is done to a valid envelope of any family, the decoder answers with a decoded event or a typed
/// refusal, and never throws. Mutations are chosen by CsCheck and applied deterministically from a seed, so a failure
/// prints the envelope it came from, the mutations and the seed that reproduce it.
/// </summary>
public sealed class EnvelopeFuzzTests
{
    private const int Iterations = 15_000;

    private static readonly DateTimeOffset Time = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly byte[][] Seeds =
    [
        .. TelemetrySampleGenerator.EventNames.Select(n => Encoding.UTF8.GetBytes(TelemetrySampleGenerator.Example(n, Time))),
        // Unknown events of each family (generic measurements, family default units) and the list form of a name.
        .. new[]
        {
            """{"schema":1,"event":"event_pipeline.cache.refresh","time":"2026-11-23T12:00:00Z","source":"s","measurements":{"duration":0.25,"entries":12},"metadata":{"status":"ok"}}""",
            """{"schema":1,"event":"kafee.custom.step","time":1795435200000,"source":"s","time_unit":"native","measurements":{"latency":2500000,"bytes":10},"metadata":{"topic":"t"}}""",
            """{"schema":1,"event":["snakepit","custom","thing"],"time":"2026-11-23T12:00:00.123+01:00","source":"s","measurements":{"wait_us":17},"metadata":{"pool":":default"}}""",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly string[] OddNumbers =
    [
        "1e400", "-1e400", "1e-400", "9223372036854775808", "-9223372036854775809", "-0", "0.5", "-3", "1.5e3",
        "0.0000000000000000000000001", "123456789012345678901234567890", "9007199254740993", "9000000000000.0000001",
        "1E+2", "00", "1.", ".5", "+1", "NaN", "Infinity", "0x10", "1e", "--1",
    ];

    private static readonly byte[][] OddBytes =
    [
        [0xEF, 0xBB, 0xBF], [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [0x00], [0x7F], [(byte)'\\'], [(byte)'"'], [(byte)'{'], [(byte)'}'], [(byte)','], [(byte)':'],
        "\\ud83d"u8.ToArray(), "\\udc00"u8.ToArray(), "\\ud83d\\ude80"u8.ToArray(), "🚀"u8.ToArray(), "\\u0000"u8.ToArray(),
        "\\u002B"u8.ToArray(), "\\x"u8.ToArray(), "\\u12"u8.ToArray(), "\\/"u8.ToArray(),
    ];

    private enum Mutation
    {
        FlipByte,
        Truncate,
        DuplicateKey,
        InsertOddBytes,
        DeepNesting,
        OddNumber,
        Bom,
        EscapeChar,
        LongString,
        ReplaceValueType,
    }

    [Fact]
    public void Mutated_envelopes_of_every_family_decode_or_are_refused_with_a_reason_and_never_throw()
    {
        var mutations = Gen.Enum<Mutation>().Array[1, 4];
        Gen.Select(Gen.Int[0, Seeds.Length - 1], mutations, Gen.Int).Sample(
            (seed, steps, randomSeed) => Check(Mutate(Seeds[seed], steps, randomSeed)),
            iter: Iterations,
            threads: 1,
            print: t => $"seed {t.Item1} ({TelemetrySampleGenerator.EventNames.ElementAtOrDefault(t.Item1)}), mutations [{string.Join(", ", t.Item2)}], random {t.Item3}: {Encoding.UTF8.GetString(Mutate(Seeds[t.Item1], t.Item2, t.Item3))}");
    }

    [Fact]
    public void Every_seed_envelope_is_valid_so_the_mutations_start_from_real_input()
    {
        foreach (var seed in Seeds)
        {
            var d = new DecoderHarness();
            Assert.Equal(EnvelopeError.None, d.Decoder.Decode(seed, 0, d.Event));
        }
    }

    private static readonly DecoderHarness Harness = new();

    private static void Check(byte[] json)
    {
        var d = Harness;
        EnvelopeError error;
        try
        {
            error = d.Decoder.Decode(json, Time.AddMinutes(1).ToUnixTimeMilliseconds(), d.Event, capture: true);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The decoder threw {ex.GetType().Name}: {ex.Message}", ex);
        }

        if (error != EnvelopeError.None)
        {
            Assert.Equal(error, d.Event.Error);
            Assert.False(string.IsNullOrEmpty(d.Event.ErrorMessage), "a refusal carries a message");
            Assert.NotEqual(EnvelopeError.DecoderFault, error);
            return;
        }

        Assert.NotNull(d.Event.Definition);
        for (var i = 0; i < d.Event.Definition!.DimensionKeys.Length; i++)
        {
            if (d.Event.Dimensions[i] is { } value)
            {
                Assert.True(value.Length <= DimensionValuePool.MaxValueChars, "dimension values are cut");
                Assert.True(WellFormedText.IsWellFormed(value), "dimension values are well-formed UTF-16");
            }
        }

        for (var i = 0; i < d.Event.ObservationCount; i++)
        {
            Assert.InRange(d.Event.Observations[i].Micros, -ExactNumber.MaxMicros, ExactNumber.MaxMicros);
            Assert.False(d.Event.Observations[i].Native, "native values are converted");
        }
    }

    private static byte[] Mutate(byte[] source, Mutation[] steps, int randomSeed)
    {
        var random = new Random(randomSeed);
        var bytes = source;
        foreach (var step in steps)
        {
            bytes = Apply(step, bytes, random);
        }

        return bytes;
    }

    private static byte[] Apply(Mutation mutation, byte[] bytes, Random random)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var at = random.Next(bytes.Length);
        switch (mutation)
        {
            case Mutation.FlipByte:
                var flipped = (byte[])bytes.Clone();
                flipped[at] ^= (byte)(1 << random.Next(8));
                return flipped;
            case Mutation.Truncate:
                return bytes[..at];
            case Mutation.InsertOddBytes:
                return Insert(bytes, at, OddBytes[random.Next(OddBytes.Length)]);
            case Mutation.Bom:
                return [0xEF, 0xBB, 0xBF, .. bytes];
            case Mutation.DeepNesting:
                var depth = random.Next(1, 200);
                var nest = Encoding.UTF8.GetBytes($"\"deep\":{new string('[', depth)}{new string(']', depth)},");
                var open = Array.IndexOf(bytes, (byte)'{', random.Next(Math.Max(1, bytes.Length / 2)));
                return open < 0 ? bytes : Insert(bytes, open + 1, nest);
            case Mutation.OddNumber:
                return ReplaceToken(bytes, random, isNumber: true, OddNumbers[random.Next(OddNumbers.Length)]);
            case Mutation.ReplaceValueType:
                string[] values = ["null", "true", "{}", "[]", "\"\"", "\"x\"", "[1,2]", "{\"a\":1}", "-1"];
                return ReplaceToken(bytes, random, isNumber: random.Next(2) == 0, values[random.Next(values.Length)]);
            case Mutation.EscapeChar:
                // Write an ASCII letter or digit inside the text as its \u escape (keys and values alike).
                for (var tries = 0; tries < 20; tries++, at = random.Next(bytes.Length))
                {
                    if (char.IsAsciiLetterOrDigit((char)bytes[at]) || bytes[at] is (byte)'+' or (byte)'.' or (byte)'_' or (byte)'-')
                    {
                        return [.. bytes[..at], .. Encoding.UTF8.GetBytes($"\\u{bytes[at]:X4}"), .. bytes[(at + 1)..]];
                    }
                }

                return bytes;
            case Mutation.LongString:
                var quote = Array.IndexOf(bytes, (byte)'"', at);
                return quote < 0 ? bytes : Insert(bytes, quote + 1, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("y🚀", random.Next(1, 200)))));
            default:
                return DuplicateKey(bytes, random);
        }
    }

    private static byte[] Insert(byte[] bytes, int at, byte[] insert) => [.. bytes[..at], .. insert, .. bytes[at..]];

    /// <summary>Replaces a random value token (a number, or any scalar) of a well-formed envelope; others stay as they are.</summary>
    private static byte[] ReplaceToken(byte[] bytes, Random random, bool isNumber, string replacement)
    {
        var spans = new List<(int Start, int Length)>();
        try
        {
            var r = new Utf8JsonReader(bytes);
            while (r.Read())
            {
                if (isNumber ? r.TokenType == JsonTokenType.Number : r.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False)
                {
                    var quoted = r.TokenType == JsonTokenType.String ? 1 : 0;
                    spans.Add(((int)r.TokenStartIndex, r.ValueSpan.Length + (2 * quoted)));
                }
            }
        }
        catch (JsonException)
        {
        }

        if (spans.Count == 0)
        {
            return bytes;
        }

        var (start, length) = spans[random.Next(spans.Count)];
        return [.. bytes[..start], .. Encoding.UTF8.GetBytes(replacement), .. bytes[(start + length)..]];
    }

    /// <summary>Writes one property (top level, or inside measurements/metadata) twice, or many times.</summary>
    private static byte[] DuplicateKey(byte[] bytes, Random random)
    {
        try
        {
            return DuplicateKeyCore(bytes, random);
        }
        catch (InvalidOperationException)
        {
            // An earlier mutation left text JsonDocument cannot read as .NET strings (invalid UTF-8, a lone surrogate): keep it.
            return bytes;
        }
    }

    private static byte[] DuplicateKeyCore(byte[] bytes, Random random)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return bytes;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return bytes;
            }

            var candidates = new List<(string? Parent, string Name)>();
            foreach (var p in document.RootElement.EnumerateObject())
            {
                candidates.Add((null, p.Name));
                if (p.Value.ValueKind == JsonValueKind.Object)
                {
                    candidates.AddRange(p.Value.EnumerateObject().Select(c => ((string?)p.Name, c.Name)));
                }
            }

            var (parent, name) = candidates[random.Next(candidates.Count)];
            var times = random.Next(4) == 0 ? random.Next(3, 80) : 2;
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                WriteObject(w, document.RootElement, parent is null ? name : null, times, parent, name);
            }

            return stream.ToArray();
        }
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement element, string? repeat, int times, string? parent, string name)
    {
        w.WriteStartObject();
        foreach (var p in element.EnumerateObject())
        {
            var count = p.Name == repeat ? times : 1;
            for (var i = 0; i < count; i++)
            {
                w.WritePropertyName(p.Name);
                if (repeat is null && p.Name == parent && p.Value.ValueKind == JsonValueKind.Object)
                {
                    WriteObject(w, p.Value, name, times, null, name);
                }
                else
                {
                    p.Value.WriteTo(w);
                }
            }
        }

        w.WriteEndObject();
    }
}
