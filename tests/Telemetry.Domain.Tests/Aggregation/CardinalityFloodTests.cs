using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Aggregation;

/// <summary>
/// A flood of distinct dimension values (or unknown event names) must neither keep memory for good nor push every
/// later new value into <c>_other</c> / overflow: once the flood's windows close, the interned state is compacted.
/// </summary>
public sealed class CardinalityFloodTests
{
    private const int FloodValues = 100_000;
    private const int BatchSize = 5_000;

    private static ConsumedRecord Record(long offset, string json) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty, System.Text.Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, DateTimeOffset.UnixEpoch);

    private static string Executed(string pool, string time) =>
        $$$"""{"schema":1,"event":"snakepit.request.executed","time":"{{{time}}}","source":"ml","measurements":{"duration_us":1000},"metadata":{"pool":"{{{pool}}}"}}""";

    private static string Unknown(string name, string time) =>
        $$$"""{"schema":1,"event":"{{{name}}}","time":"{{{time}}}","source":"ml","measurements":{"n":1}}""";

    /// <summary>Decodes and finalises in batches as a host does; returns the aggregates of every batch.</summary>
    private static List<MinuteAggregate> Run(PartitionDecoder processor, ref long offset, IEnumerable<string> envelopes)
    {
        var result = new List<MinuteAggregate>();
        foreach (var chunk in envelopes.Chunk(BatchSize))
        {
            var records = new List<ConsumedRecord>(chunk.Length);
            foreach (var json in chunk)
            {
                records.Add(Record(offset++, json));
            }

            var batch = processor.Decode(records);
            result.AddRange(batch.Finalise(records[0].Offset - 1, records[^1].Offset).Aggregates);
        }

        return result;
    }

    private static IEnumerable<string> Flood(string time) => Enumerable.Range(0, FloodValues).Select(i => Executed($"flood_{i}", time));

    [Fact]
    public void After_a_flood_of_distinct_values_new_values_in_a_later_minute_get_their_own_series()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        long offset = 0;
        var flood = Run(processor, ref offset, Flood("2026-11-23T12:00:10Z"));
        var floodCounts = flood.Where(a => a.Series.Name == "snakepit.request.executed.count").ToList();
        Assert.Equal(FloodValues, floodCounts.Sum(a => a.Distribution.Count));
        Assert.Equal(2_000, floodCounts.Where(a => a.Series["otel.metric.overflow"] is null).Select(a => a.Series).Distinct().Count());

        // Ten minutes later, past the allowed lateness: fresh values are values again, each its own series.
        var fresh = Enumerable.Range(0, 50).Select(i => Executed($"fresh_{i}", "2026-11-23T12:10:10Z")).ToList();
        var later = Run(processor, ref offset, fresh).Where(a => a.Series.Name == "snakepit.request.executed.count").ToList();

        Assert.Equal(50, later.Sum(a => a.Distribution.Count));
        Assert.Equal(
            Enumerable.Range(0, 50).Select(i => $"fresh_{i}").Order(StringComparer.Ordinal),
            later.Select(a => a.Series["pool"] ?? "(none)").Order(StringComparer.Ordinal));
        Assert.All(later, a => Assert.Equal(1, a.Distribution.Count));
    }

    [Fact]
    public void A_flood_leaves_state_bounded_by_the_open_windows_once_its_windows_close()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        long offset = 0;
        Run(processor, ref offset, Flood("2026-11-23T12:00:10Z"));
        Run(processor, ref offset, [Executed("steady", "2026-11-23T12:10:10Z")]);
        Run(processor, ref offset, [Executed("steady", "2026-11-23T12:10:20Z")]);

        // Only the open windows' series remain: "steady" (count and duration). Nothing of the flood is held.
        Assert.InRange(processor.SeriesCount, 2, 8);
        Assert.InRange(processor.TupleCount, 1, 4);
        Assert.InRange(processor.PooledValueCount, 1, 4);
        Assert.InRange(processor.AdmissionCount, 2, 8);
    }

    [Fact]
    public void Series_admitted_in_an_open_window_stay_admitted_and_its_cap_stays_full_across_a_compaction()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxSeriesPerMetric = 3 }) { CompactionSlack = 64 };
        long offset = 0;
        Run(processor, ref offset, "abc".Select(p => Executed(p.ToString(), "2026-11-23T12:00:10Z")));
        Run(processor, ref offset, Enumerable.Range(0, 500).Select(i => Executed($"x{i}", "2026-11-23T12:00:20Z")));
        var after = Run(processor, ref offset, [Executed("a", "2026-11-23T12:00:30Z"), Executed("new", "2026-11-23T12:00:40Z")])
            .Where(a => a.Series.Name == "snakepit.request.executed.count").ToList();

        Assert.True(processor.Compactions > 0, "the flood should have triggered a compaction");
        Assert.Equal(1, after.Single(a => a.Series["pool"] == "a").Distribution.Count);
        Assert.Equal(1, after.Single(a => a.Series["otel.metric.overflow"] == "true").Distribution.Count);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public void Counts_stay_exact_across_compactions()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxSeriesPerMetric = 50 }) { CompactionSlack = 256 };
        long offset = 0;
        var envelopes = Enumerable.Range(0, 20_000).Select(i => Executed($"v{i % 3_000}", $"2026-11-23T12:{i / 1_000:00}:10Z"));
        var aggregates = Run(processor, ref offset, envelopes);

        Assert.True(processor.Compactions > 1, $"expected several compactions, saw {processor.Compactions}");
        Assert.Equal(20_000, aggregates.Where(a => a.Series.Name == "snakepit.request.executed.count").Sum(a => a.Distribution.Count));
        Assert.Equal(20_000 * 1.0, aggregates.Where(a => a.Series.Name == "snakepit.request.executed.duration").Sum(a => a.Distribution.Sum), 6);
    }

    [Fact]
    public void Unknown_event_names_of_closed_windows_are_forgotten_so_new_ones_are_aggregated_again()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxUnknownEvents = 4 });
        long offset = 0;
        var junk = processor.Decode(Enumerable.Range(0, 10).Select(i => Record(offset++, Unknown($"junk.event_{i}", "2026-11-23T12:00:10Z"))).ToList());
        Assert.Equal(6, junk.Outcomes.Count(o => o.Error == EnvelopeError.UnknownEvent));

        processor.Decode([Record(offset++, Executed("steady", "2026-11-23T12:10:10Z"))]);
        var batch = processor.Decode([Record(offset, Unknown("later.event", "2026-11-23T12:10:20Z"))]);

        Assert.Equal(EnvelopeError.None, batch[0].Error);
        Assert.Contains(batch.Finalise(offset - 1, offset).Aggregates, a => a.Series.Name == "later.event.count");
        Assert.Equal(1, processor.UnknownEventCount);
    }
}
