using System.Globalization;
using System.Text;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Ledger;
using Xunit;

namespace Telemetry.Ledger.Tests.Aggregates;

/// <summary>Issue 13 through the real decoder, processor and ledger on Azurite: values the ledger once mangled.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExactAndPoisonLedgerTests(AzuriteFixture azurite)
{
    private const string Topic = "telemetry.raw";
    private const long MaxSafeInteger = 9_007_199_254_740_991; // 2^53 - 1

    private static readonly DateTimeOffset Minute = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, 0, 0, 0, TimeSpan.Zero).AddHours(-1);

    private static ConsumedRecord Record(long offset, string json) =>
        new(Topic, 0, offset, ReadOnlyMemory<byte>.Empty, Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, Minute.AddMinutes(2));

    private static string Time => Minute.AddSeconds(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_dimension_value_cut_through_a_surrogate_pair_is_stored_as_held_and_later_batches_merge_into_its_row()
    {
        using var ledger = new LedgerHarness(azurite.ConnectionString);
        var topic = new string('y', 63) + "🚀tail";
        var json = $$$"""{"schema":1,"event":"kafee.queue","time":"{{{Time}}}","source":"s","measurements":{"count":3},"metadata":{"topic":"{{{topic}}}","partition":0}}""";
        var processor = new PartitionDecoder(Topic, 0, new IngestionOptions());

        // Three batches touch the same rows: the second and third read back what the first stored and must find
        // the very series they hold (before the fix: "key collision", retried forever).
        for (var offset = 0; offset < 3; offset++)
        {
            var aggregates = processor.Decode([Record(offset, json)]).Finalise(offset - 1, offset);
            await ledger.Sink.WriteAsync(aggregates, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        }

        var rows = await ledger.Queries.ReadMinuteAggregatesAsync(Minute.AddHours(-1), Minute.AddHours(1), "kafee.queue.depth", CancellationToken.None);
        var row = Assert.Single(rows);
        Assert.Equal(new string('y', 63), row.Series["topic"]);
        Assert.Equal(3, row.Distribution.Count);
        Assert.Equal(9, row.Distribution.Sum);
    }

    [Fact]
    public async Task Sums_minima_and_maxima_of_large_integers_are_exact_in_the_ledger()
    {
        using var ledger = new LedgerHarness(azurite.ConnectionString);
        long[] totalBytes = [999_999_999_999, 999_999_999_998, 1_000_000_000_001, 7_777_777_777_777];
        long[] nanoseconds = [MaxSafeInteger, MaxSafeInteger - 1, 1, 9_000_000_000_000_000];
        var truth = new LedgerGroundTruth();
        var records = new List<ConsumedRecord>();
        var accumulated = new MetricSeries("kafee.batch.accumulated.total_bytes", "By", [new("topic", "big")]);
        var duration = new MetricSeries("kafee.batch.process_end.duration", "ms", [new("topic", "big")]);
        foreach (var b in totalBytes)
        {
            records.Add(Record(records.Count, $$$"""{"schema":1,"event":"kafee.batch.accumulated","time":"{{{Time}}}","source":"s","measurements":{"message_count":1,"total_bytes":{{{b}}}},"metadata":{"topic":"big"}}"""));
            truth.RecordMicros(accumulated, Minute, checked(b * 1_000_000));
        }

        foreach (var ns in nanoseconds)
        {
            records.Add(Record(records.Count, $$$"""{"schema":1,"event":"kafee.batch.process_end","time":"{{{Time}}}","source":"s","time_unit":"native","measurements":{"duration":{{{ns}}}},"metadata":{"topic":"big"}}"""));
            truth.RecordMicros(duration, Minute, ns); // 1 ns is exactly one micro-millisecond
        }

        // Two batches, so the second merges into the rows the first stored.
        var processor = new PartitionDecoder(Topic, 0, new IngestionOptions());
        foreach (var (after, through) in new[] { (-1L, 3L), (3L, 7L) })
        {
            var slice = records.Where(r => r.Offset > after && r.Offset <= through).ToList();
            await ledger.Sink.WriteAsync(processor.Decode(slice).Finalise(after, through), CancellationToken.None);
        }

        var rows = await ledger.Queries.ReadMinuteAggregatesAsync(Minute.AddHours(-1), Minute.AddHours(1), metric: null, CancellationToken.None);
        var stored = rows.Where(r => r.Series.Equals(accumulated) || r.Series.Equals(duration)).ToList();
        var comparison = truth.CompareWith(stored);
        Assert.True(comparison.IsExact, comparison.ToString());
        Assert.Equal(2, comparison.WindowsCompared);

        var bytes = stored.Single(r => r.Series.Equals(accumulated)).Distribution;
        Assert.Equal((Int128)10_777_777_777_775 * 1_000_000, bytes.SumMicros);
        Assert.Equal(999_999_999_998_000_000, bytes.MinMicros);
        Assert.Equal(7_777_777_777_777_000_000, bytes.MaxMicros);
        var durations = stored.Single(r => r.Series.Equals(duration)).Distribution;
        Assert.Equal((Int128)MaxSafeInteger + (MaxSafeInteger - 1) + 1 + 9_000_000_000_000_000, durations.SumMicros);
        Assert.Equal(1, durations.MinMicros);
        Assert.Equal(MaxSafeInteger, durations.MaxMicros);
    }
}
