using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Aggregation;

public sealed class CardinalityAndLatenessTests
{
    private static ConsumedRecord Record(long offset, string json) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty, System.Text.Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, DateTimeOffset.UnixEpoch);

    private static string Executed(string pool, string time = "2026-11-23T12:00:10Z", int us = 1000) =>
        $$$"""{"schema":1,"event":"snakepit.request.executed","time":"{{{time}}}","source":"ml","measurements":{"duration_us":{{{us}}}},"metadata":{"pool":"{{{pool}}}"}}""";

    [Fact]
    public void Series_past_the_per_metric_cap_fold_into_one_overflow_series_and_are_counted()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxSeriesPerMetric = 3 });
        var records = Enumerable.Range(0, 10).Select(i => Record(i, Executed($"pool_{i}"))).ToList();
        var batch = processor.Decode(records);
        var aggregates = batch.Finalise(-1, 9).Aggregates.Where(a => a.Series.Name == "snakepit.request.executed.duration").ToList();

        Assert.Equal(4, aggregates.Count);
        var overflow = Assert.Single(aggregates, a => a.Series["otel.metric.overflow"] == "true");
        Assert.Single(overflow.Series.Dimensions);
        Assert.Equal(7, overflow.Distribution.Count);
        Assert.Equal(10, aggregates.Sum(a => a.Distribution.Count));
        // Count and duration metrics each folded 7 observations.
        Assert.Equal(14, batch.OverflowCount);
    }

    [Fact]
    public void An_admitted_series_stays_admitted_in_its_window_and_the_cap_is_per_window()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxSeriesPerMetric = 1 });
        var batch = processor.Decode(
        [
            Record(0, Executed("a")), Record(1, Executed("b")), Record(2, Executed("a")),
            Record(3, Executed("b", "2026-11-23T12:01:10Z")),
        ]);
        var durations = batch.Finalise(-1, 3).Aggregates.Where(a => a.Series.Name == "snakepit.request.executed.duration").ToList();
        Assert.Equal(2, durations.Single(a => a.Series["pool"] == "a").Distribution.Count);
        Assert.Equal(1, durations.Single(a => a.Series["otel.metric.overflow"] == "true").Distribution.Count);
        Assert.Equal(1, durations.Single(a => a.Series["pool"] == "b" && a.WindowStart.Minute == 1).Distribution.Count);
    }

    [Fact]
    public void Late_events_count_in_their_own_window_and_their_lateness_is_recorded()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { AllowedLatenessSeconds = 60 });
        var batch = processor.Decode(
        [
            Record(0, Executed("a", "2026-11-23T12:05:00Z")),
            Record(1, Executed("a", "2026-11-23T12:04:30Z")), // within the allowed lateness
            Record(2, Executed("a", "2026-11-23T12:01:00Z")), // four minutes behind: late
        ]);
        Assert.Equal(1, batch.LateCount);
        var aggregates = batch.Finalise(-1, 2).Aggregates;

        var early = aggregates.Single(a => a.Series.Name == "snakepit.request.executed.count" && a.WindowStart.Minute == 1);
        Assert.Equal(1, early.Distribution.Count);
        var lateness = aggregates.Single(a => a.Series.Name == "telemetry.ingestion.lateness");
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 1, 0, TimeSpan.Zero), lateness.WindowStart);
        Assert.Equal("Snakepit", lateness.Series["family"]);
        Assert.Equal(240_000, lateness.Distribution.Max);

        // Lateness is measured against the newest time seen across batches, too.
        var next = processor.Decode([Record(3, Executed("a", "2026-11-23T12:02:00Z"))]);
        Assert.Equal(1, next.LateCount);
    }
}
