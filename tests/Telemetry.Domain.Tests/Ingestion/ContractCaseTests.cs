using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>Issue 13's contract cases that failed: each is what docs/envelope.md promises.</summary>
public sealed class ContractCaseTests
{
    [Fact]
    public void A_time_with_an_escaped_plus_as_dotnet_writes_it_parses()
    {
        var d = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.queue","time":"2026-11-23T13:00:10.250\u002B01:00","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""";

        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 10, 250, TimeSpan.Zero).ToUnixTimeMilliseconds(), d.Event.TimeUnixMs);
    }

    [Fact]
    public void A_time_escaped_everywhere_parses_and_an_escaped_non_date_is_still_refused()
    {
        var d = new DecoderHarness();
        var escaped = string.Concat("2026-11-23T12:00:10Z".Select(c => $"\\u{(int)c:X4}"));
        Assert.Equal(EnvelopeError.None, d.Decode($$$"""{"schema":1,"event":"kafee.queue","time":"{{{escaped}}}","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}"""));
        Assert.Equal(EnvelopeError.WrongType, d.Decode("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10\u005A\u005A","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}"""));
        Assert.Equal(EnvelopeError.WrongType, d.Decode($$$"""{"schema":1,"event":"kafee.queue","time":"{{{escaped}}}{{{escaped}}}{{{escaped}}}","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}"""));
    }

    [Fact]
    public void An_escaped_time_unit_is_that_unit()
    {
        var d = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.batch.process_end","time":"2026-11-23T12:00:10Z","source":"s","time_unit":"s\u0065cond","measurements":{"duration":2},"metadata":{"topic":"t"}}""";
        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(2000, d.Value("kafee.batch.process_end.duration"));
    }

    [Theory]
    [InlineData("event_pipeline.cache.refresh", 2, 2000)]
    [InlineData("kafka.eventbus.custom.thing", 2, 2)]
    [InlineData("kafee.custom.thing", 2_000_000, 2)]
    [InlineData("acme.custom.thing", 2_000_000, 2)]
    public void An_unknown_event_without_time_unit_uses_its_familys_documented_default(string name, long duration, double ms)
    {
        var d = new DecoderHarness();
        var json = $$$"""{"schema":1,"event":"{{{name}}}","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"duration":{{{duration}}}}}""";

        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(ms, d.Value($"{name}.duration"));
    }

    [Fact]
    public void A_native_duration_of_three_hours_is_valid()
    {
        var d = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.batch.process_end","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"duration":10800000000000},"metadata":{"topic":"t"}}""";

        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(10_800_000, d.Value("kafee.batch.process_end.duration"));
        Assert.Equal(10_800_000, d.Event.DurationMs);
    }

    [Theory]
    [InlineData("""{"message_count":1.5}""")]
    [InlineData("""{"message_count":"1"}""")]
    public void Integer_fields_refuse_fractions_and_strings(string measurements)
    {
        var d = new DecoderHarness();
        var json = $$$"""{"schema":1,"event":"kafee.batch.started","time":"2026-11-23T12:00:10Z","source":"s","measurements":{{{measurements}}},"metadata":{"topic":"t"}}""";
        Assert.Equal(EnvelopeError.WrongType, d.Decode(json));
    }

    [Fact]
    public void Deeper_nesting_than_the_documented_limit_is_not_json()
    {
        var d = new DecoderHarness();
        var deep = new string('[', EnvelopeDecoder.MaxDepth) + new string(']', EnvelopeDecoder.MaxDepth);
        var json = $$$"""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t","x":{{{deep}}}}}""";
        Assert.Equal(EnvelopeError.NotJson, d.Decode(json));

        var shallow = new string('[', EnvelopeDecoder.MaxDepth - 3) + new string(']', EnvelopeDecoder.MaxDepth - 3);
        Assert.Equal(EnvelopeError.None, d.Decode(json.Replace(deep, shallow, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_leading_colon_of_an_atom_like_value_is_stripped()
    {
        var d = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":":orders"}}""";
        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal("orders", d.Dimension("topic"));
    }
}
