using System.Collections.Immutable;
using System.Text;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Ingestion;

/// <summary>Issue 13's poison records: none may throw, count twice, or leave a value the ledger cannot store as is.</summary>
public sealed class PoisonRecordTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static string Queue(string topic) =>
        $$$"""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"svc","measurements":{"count":3},"metadata":{"topic":"{{{topic}}}","partition":0}}""";

    private static ConsumedRecord Record(long offset, string json) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty, Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, Start.AddHours(1));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_dimension_value_cut_at_64_chars_never_splits_a_surrogate_pair(bool escaped)
    {
        // The reproduction: 63 ASCII chars, then a rocket (a surrogate pair straddling the 64-char cut).
        var topic = new string('y', 63) + (escaped ? "\\ud83d\\ude80tail" : "🚀tail");
        var d = new DecoderHarness();

        Assert.Equal(EnvelopeError.None, d.Decode(Queue(topic)));

        var value = d.Dimension("topic")!;
        Assert.Equal(new string('y', 63), value);
        Assert.Equal(value, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void A_pair_that_fits_is_kept_whole_and_the_series_round_trips_through_UTF8()
    {
        var topic = new string('y', 62) + "🚀tail";
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.None, d.Decode(Queue(topic)));
        Assert.Equal(new string('y', 62) + "🚀", d.Dimension("topic"));
    }

    [Fact]
    public void A_series_built_from_ill_formed_text_is_well_formed_so_the_ledger_reads_back_the_same_series()
    {
        var series = new MetricSeries("kafee.queue.depth", "{message}", [new("topic", new string('y', 63) + '\ud83d')]);
        var value = series["topic"]!;
        Assert.Equal(new string('y', 63) + '\uFFFD', value);
        Assert.Equal(value, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void The_event_key_repeated_70_times_is_refused_as_duplicate_key()
    {
        var events = string.Concat(Enumerable.Repeat("\"event\":\"kafee.queue\",", 70));
        var json = $$$"""{"schema":1,{{{events}}}"time":"2026-11-23T12:00:10Z","source":"svc","measurements":{"count":3},"metadata":{"topic":"t"}}""";
        var d = new DecoderHarness();

        Assert.Equal(EnvelopeError.DuplicateKey, d.Decode(json));
        Assert.Equal("event appears more than once.", d.Event.ErrorMessage);
    }

    [Theory]
    [InlineData("""{"schema":1,"event":"kafee.queue","event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""", "event appears more than once.")]
    [InlineData("""{"schema":1,"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""", "schema appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","time":1795000000000,"source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""", "time appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""", "source appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","time_unit":"native","time_unit":"second","measurements":{"count":3},"metadata":{"topic":"t"}}""", "time_unit appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"measurements":{"count":3},"metadata":{"topic":"t"}}""", "measurements appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t"},"metadata":{"topic":"u"}}""", "metadata appears more than once.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3,"count":4},"metadata":{"topic":"t"}}""", "count appears more than once in measurements.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t","topic":"u"}}""", "topic appears more than once in metadata.")]
    [InlineData("""{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t","t\u006Fpic":"u"}}""", "topic appears more than once in metadata.")]
    [InlineData("""{"time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t","topic":"u"},"schema":1,"event":"kafee.queue"}""", "topic appears more than once in metadata.")]
    [InlineData("""{"schema":1,"event":"acme.widget.spun","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"spins":3,"spins":3}}""", "spins appears more than once in measurements.")]
    public void Duplicate_keys_are_refused_as_a_typed_reason(string json, string message)
    {
        var d = new DecoderHarness();
        Assert.Equal(EnvelopeError.DuplicateKey, d.Decode(json));
        Assert.Equal(message, d.Event.ErrorMessage);
        Assert.Equal("duplicate_key", new RecordOutcome(0, d.Event.Error, d.Event.ErrorMessage).ErrorKind);
    }

    [Fact]
    public void A_field_once_in_measurements_and_once_in_metadata_is_still_read_once()
    {
        var d = new DecoderHarness();
        var json = """{"schema":1,"event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t","count":5}}""";
        Assert.Equal(EnvelopeError.None, d.Decode(json));
        Assert.Equal(3, d.Value("kafee.queue.depth"));
        Assert.Equal(2, d.Event.ObservationCount);
    }

    [Fact]
    public void Repeated_event_keys_never_count_a_record_several_times()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var twice = """{"schema":1,"event":"kafee.queue","event":"kafee.queue","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"count":3},"metadata":{"topic":"t"}}""";
        var batch = processor.Decode([Record(1, Queue("t")), Record(2, twice)]);

        Assert.Equal(EnvelopeError.DuplicateKey, batch[1].Error);
        var count = batch.Finalise(0, 2).Aggregates.Single(a => a.Series.Name == "kafee.queue.count");
        Assert.Equal(1, count.Distribution.Count);
    }

    [Fact]
    public void An_exception_while_decoding_one_record_refuses_that_record_as_decoder_fault_and_the_batch_goes_on()
    {
        // A real fault in the record path: a catalog event whose dimension slot lies past the decoder's buffer makes
        // the real decoder throw IndexOutOfRangeException for exactly the records that carry that field.
        var catalog = FaultyCatalog();
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions(), catalog);
        var good = """{"schema":1,"event":"acme.faulty","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"n":1}}""";
        var poison = """{"schema":1,"event":"acme.faulty","time":"2026-11-23T12:00:10Z","source":"s","measurements":{"n":1},"metadata":{"boom":"x"}}""";

        var batch = processor.Decode([Record(1, good), Record(2, poison), Record(3, good)]);

        Assert.False(batch[0].IsMalformed);
        Assert.Equal(EnvelopeError.DecoderFault, batch[1].Error);
        Assert.Equal("decoder_fault", batch[1].ErrorKind);
        Assert.Contains("System.IndexOutOfRangeException", batch[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", batch[1].Message, StringComparison.Ordinal);
        Assert.False(batch[2].IsMalformed);
        Assert.Equal(1, batch.MalformedCount);
        var count = batch.Finalise(0, 3).Aggregates.Single(a => a.Series.Name == "acme.faulty.count");
        Assert.Equal(2, count.Distribution.Count);
    }

    private static TelemetryCatalog FaultyCatalog()
    {
        var count = new MetricDefinition(0, "acme.faulty.count", "{event}", "test", []);
        var n = new MetricDefinition(1, "acme.faulty.n", "1", "test", []);
        var lateness = new MetricDefinition(2, TelemetryCatalog.LatenessMetricName, "ms", "test", ["family"]);
        var measure = new FieldDefinition("n", FieldType.Number, false, FieldUse.Distribution, MeasurementUnit.Dimensionless, null, SlowCheck.None, 0)
        {
            Index = 0,
            Metric = n,
            MetricSlots = [],
        };
        var broken = new FieldDefinition("boom", FieldType.String, false, FieldUse.Dimension, MeasurementUnit.Dimensionless, "boom", SlowCheck.None, double.MinValue)
        {
            Index = 1,
            DimensionSlot = DecodedEvent.MaxDimensions + 5,
        };
        var definition = new EventDefinition("acme.faulty", TelemetryFamily.Unknown, EnvelopeTimeUnit.Native, count, [], [measure, broken], [], [], isGeneric: false);
        return new TelemetryCatalog([definition], [count, n, lateness], lateness);
    }
}
