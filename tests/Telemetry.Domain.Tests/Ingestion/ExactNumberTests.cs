using System.Text;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>Issue 13's exact numbers: integers reach the sums, minima and maxima without a lossy double.</summary>
public sealed class ExactNumberTests
{
    private const long MaxSafeInteger = 9_007_199_254_740_991; // 2^53 - 1

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static string Accumulated(string totalBytes) =>
        $$$"""{"schema":1,"event":"kafee.batch.accumulated","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"message_count":1,"total_bytes":{{{totalBytes}}}},"metadata":{"topic":"t"}}""";

    private static string ProcessEnd(string duration, string unit = "native") =>
        $$$"""{"schema":1,"event":"kafee.batch.process_end","time":"2026-11-23T12:00:10Z","source":"s","time_unit":"{{{unit}}}","measurements":{"duration":{{{duration}}}},"metadata":{"topic":"t"}}""";

    private static ConsumedRecord Record(long offset, string json) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty, Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, Start.AddHours(1));

    [Theory]
    [InlineData("999999999999", 999_999_999_999_000_000)]
    [InlineData("999999999998", 999_999_999_998_000_000)]
    [InlineData("9000000000000", 9_000_000_000_000_000_000)]
    [InlineData("1e12", 1_000_000_000_000_000_000)]
    [InlineData("1.5E3", 1_500_000_000)]
    [InlineData("100.000", 100_000_000)]
    public void Numbers_become_exact_micro_units(string text, long micros)
    {
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, d.Decode(Accumulated(text)));
        Assert.Equal(micros, d.Micros("kafee.batch.accumulated.total_bytes"));
    }

    [Theory]
    [InlineData("1234567890123.456789", 1_234_567_890_123_456_789)]
    [InlineData("1.0000005", 1_000_001)]
    [InlineData("-1.0000005", -1_000_001)]
    [InlineData("0.0000004", 0)]
    [InlineData("0.000000000000000000001", 0)]
    [InlineData("1.7", 1_700_000)]
    public void Fractions_round_half_away_from_zero_to_a_whole_micro_unit(string text, long micros)
    {
        var d = new DecoderHarness();
        var json = $$$"""{"schema":1,"event":"acme.widget.spun","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"spin_ms":{{{text}}}}}""";
        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(micros, d.Micros("acme.widget.spun.spin"));
    }

    [Theory]
    [InlineData("9007199254740991", "native", MaxSafeInteger)]
    [InlineData("10800000000000", "native", 10_800_000_000_000)]
    [InlineData("10800000000", "microsecond", 10_800_000_000_000)]
    [InlineData("10800", "second", 10_800_000_000_000)]
    [InlineData("0.0015", "second", 1_500_000)]
    [InlineData("1.5", "nanosecond", 2)]
    public void Native_durations_convert_exactly_once_time_unit_is_known(string duration, string unit, long micros)
    {
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, d.Decode(ProcessEnd(duration, unit)));
        Assert.Equal(micros, d.Micros("kafee.batch.process_end.duration"));
    }

    [Theory]
    [InlineData("9000000000001")]
    [InlineData("1e19")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("1e400")]
    public void Values_past_the_exact_range_are_refused_as_out_of_range(string text)
    {
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.OutOfRange, d.Decode(Accumulated(text)));
        Assert.Contains("total_bytes is too large", d.Event.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_over_the_limit_only_after_conversion_is_refused()
    {
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.OutOfRange, d.Decode(ProcessEnd("9000000001", "second")));
        Assert.Contains("kafee.batch.process_end.duration is too large", d.Event.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Sums_minima_and_maxima_of_large_integers_are_exact_through_aggregation()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        string[] bytes = ["999999999999", "999999999998", "1000000000001"];
        string[] durations = [MaxSafeInteger.ToString(System.Globalization.CultureInfo.InvariantCulture), "9007199254740990", "1"];
        var records = bytes.Select((b, i) => Record(i, Accumulated(b)))
            .Concat(durations.Select((n, i) => Record(10 + i, ProcessEnd(n))))
            .ToList();

        var aggregates = processor.Decode(records).Finalise(-1, 12).Aggregates;

        var total = aggregates.Single(a => a.Series.Name == "kafee.batch.accumulated.total_bytes").Distribution;
        Assert.Equal(2_999_999_999_998_000_000, total.SumMicros);
        Assert.Equal(999_999_999_998_000_000, total.MinMicros);
        Assert.Equal(1_000_000_000_001_000_000, total.MaxMicros);

        var duration = aggregates.Single(a => a.Series.Name == "kafee.batch.process_end.duration").Distribution;
        Assert.Equal((Int128)MaxSafeInteger + 9_007_199_254_740_990 + 1, duration.SumMicros);
        Assert.Equal(1, duration.MinMicros);
        Assert.Equal(MaxSafeInteger, duration.MaxMicros);
    }

    [Theory]
    [InlineData(999_999_999_999d, 999_999_999_999_000_000)]
    [InlineData(9_007_199_254_740d, 9_007_199_254_740_000_000)]
    [InlineData(-123_456_789_012d, -123_456_789_012_000_000)]
    [InlineData(1.7d, 1_700_000)]
    public void Distribution_ToMicros_keeps_integers_of_a_double_exact(double value, long micros) =>
        Assert.Equal(micros, Telemetry.Domain.Aggregation.Distribution.ToMicros(value));
}
