using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Processing;

public sealed class PartitionDecoderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ConsumedRecord Record(long offset, string json, int partition = 0) =>
        new("telemetry", partition, offset, ReadOnlyMemory<byte>.Empty, System.Text.Encoding.UTF8.GetBytes(json), ConsumedRecord.NoHeaders, Start.AddHours(1));

    private static string Queue(int depth, string time = "2026-11-23T12:00:10Z", string topic = "orders") =>
        $$$"""{"schema":1,"event":"kafee.queue","time":"{{{time}}}","source":"svc","measurements":{"count":{{{depth}}}},"metadata":{"topic":"{{{topic}}}","partition":0}}""";

    [Fact]
    public void Malformed_records_get_a_typed_outcome_and_are_not_counted()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var batch = processor.Decode([Record(10, Queue(5)), Record(11, "{oops"), Record(12, Queue(7))]);

        Assert.Equal(3, batch.Count);
        Assert.False(batch[0].IsMalformed);
        Assert.Equal(EnvelopeError.NotJson, batch[1].Error);
        Assert.Equal("not_json", batch[1].ErrorKind);
        Assert.Equal(11, batch[1].Offset);
        Assert.Equal(1, batch.MalformedCount);

        var depth = batch.Finalise(9, 12).Aggregates.Single(a => a.Series.Name == "kafee.queue.depth");
        Assert.Equal(2, depth.Distribution.Count);
        Assert.Equal(12, depth.Distribution.Sum);
        Assert.Equal(Start, depth.WindowStart);
        Assert.Equal("orders", depth.Series["topic"]);
    }

    [Fact]
    public void Excluded_records_and_records_outside_the_range_are_not_counted()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var batch = processor.Decode([Record(1, Queue(1)), Record(2, Queue(10)), Record(3, Queue(100)), Record(4, Queue(1000))]);
        Assert.True(batch.Exclude(2));
        Assert.False(batch.Exclude(99));

        var result = batch.Finalise(1, 3);
        Assert.Equal(100, result.Aggregates.Single(a => a.Series.Name == "kafee.queue.depth").Distribution.Sum);
        Assert.Equal(1, result.AfterOffset);
        Assert.Equal(3, result.ThroughOffset);
        Assert.Empty(result.AggregatesAfter(3));
    }

    [Fact]
    public void Aggregates_after_an_offset_count_only_later_records()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var batch = processor.Decode([Record(1, Queue(1)), Record(2, Queue(10)), Record(3, Queue(100))]);
        var result = batch.Finalise(0, 3);
        Assert.Equal(111, result.Aggregates.Single(a => a.Series.Name == "kafee.queue.depth").Distribution.Sum);
        Assert.Equal(110, result.AggregatesAfter(1).Single(a => a.Series.Name == "kafee.queue.depth").Distribution.Sum);
    }

    [Fact]
    public void A_superseded_batch_refuses_to_be_read()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var first = processor.Decode([Record(1, Queue(1))]);
        var finalised = first.Finalise(0, 1);
        processor.Decode([Record(2, Queue(2))]);
        Assert.Throws<InvalidOperationException>(() => first.Finalise(0, 1));
        Assert.Throws<InvalidOperationException>(() => finalised.Aggregates);
    }

    [Fact]
    public void Records_of_another_partition_or_out_of_order_are_refused()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        Assert.Throws<ArgumentException>(() => processor.Decode([Record(1, Queue(1), partition: 1)]));
        Assert.Throws<ArgumentException>(() => processor.Decode([Record(2, Queue(1)), Record(1, Queue(1))]));
    }

    [Fact]
    public void Notable_events_carry_origin_reason_and_allow_listed_attributes_only()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var crash = """{"schema":1,"event":"snakepit.worker.crash","time":"2026-11-23T12:00:05Z","source":"ml-workers","metadata":{"worker_id":"pool_worker_9","pool":"hpc_pool","reason":"segfault","exit_code":139,"device":"cuda"}}""";
        var send = """{"schema":1,"event":"emqtt.socket.send_data_failed","time":"2026-11-23T12:00:06Z","source":"gw","measurements":{"data_size":10},"metadata":{"client_id":"dev-1","socket_type":"tcp","pid":"<0.1.0>","reason":"closed","data":"SECRET"}}""";
        var batch = processor.Decode([Record(40, crash), Record(41, Queue(3)), Record(42, send)]);
        var notables = batch.Finalise(39, 42).NotableEvents;

        Assert.Equal(2, notables.Count);
        var c = notables[0];
        Assert.Equal(NotableEventKind.WorkerCrash, c.Kind);
        Assert.Equal("telemetry/0/40", c.Origin);
        Assert.Equal("snakepit.worker.crash", c.EventName);
        Assert.Equal("segfault", c.Reason);
        Assert.Equal("139", c.Attributes["exit_code"]);
        Assert.Equal("hpc_pool", c.Attributes["pool"]);
        Assert.False(c.Attributes.ContainsKey("worker_id"));

        var s = notables[1];
        Assert.Equal(NotableEventKind.FailedNetworkOperation, s.Kind);
        Assert.Equal("telemetry/0/42", s.Origin);
        Assert.DoesNotContain(s.Attributes, kv => kv.Value.Contains("SECRET", StringComparison.Ordinal) || kv.Key is "client_id" or "pid" or "data");
    }

    [Fact]
    public void Excluded_records_raise_no_notable_events()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var crash = """{"schema":1,"event":"snakepit.worker.crash","time":"2026-11-23T12:00:05Z","source":"ml","metadata":{"pool":"p"}}""";
        var batch = processor.Decode([Record(1, crash)]);
        batch.Exclude(1);
        Assert.Empty(batch.Finalise(0, 1).NotableEvents);
    }

    [Fact]
    public void Bad_options_stop_construction_naming_the_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PartitionDecoder("t", 0, new IngestionOptions { MaxSeriesPerMetric = 0 }));
        Assert.Contains("Ingestion:MaxSeriesPerMetric", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Ingestion:SlowEventThresholdMs", IngestionOptionsValidator.Validate(new IngestionOptions { SlowEventThresholdMs = -1 })[0], StringComparison.Ordinal);
        Assert.Contains("Ingestion:UnknownEvents", IngestionOptionsValidator.Validate(new IngestionOptions { UnknownEvents = (UnknownEventPolicy)7 })[0], StringComparison.Ordinal);
        Assert.Empty(IngestionOptionsValidator.Validate(new IngestionOptions()));
    }

    [Fact]
    public void Reused_aggregates_equal_fresh_ones_batch_after_batch()
    {
        var records = new TelemetrySampleGenerator(3, Start, 20).Records("telemetry", 0, 0, 600, malformedRatio: 0.01);
        var fresh = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var reused = new PartitionDecoder("telemetry", 0, new IngestionOptions(), reuseAggregates: true);
        for (var round = 0; round < 3; round++)
        {
            for (var from = 0; from < records.Count; from += 150)
            {
                var slice = records.Skip(from).Take(150).ToList();
                var a = fresh.Decode(slice).Finalise(from - 1, slice[^1].Offset).Aggregates;
                var b = reused.Decode(slice).Finalise(from - 1, slice[^1].Offset);
                var first = b.Aggregates;
                var again = b.AggregatesAfter(from - 1);
                Assert.Equal(a.Count, first.Count);
                for (var i = 0; i < a.Count; i++)
                {
                    Assert.Equal(a[i].Series, first[i].Series);
                    Assert.Equal(a[i].WindowStart, first[i].WindowStart);
                    Assert.Equal(a[i].Distribution, first[i].Distribution);
                    Assert.Equal(a[i].Distribution, again[i].Distribution);
                }
            }
        }
    }
}
