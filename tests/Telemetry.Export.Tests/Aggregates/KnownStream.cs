using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Tests.Aggregates;

/// <summary>
/// A deterministic stream of per-record aggregates over a few series (durations, bytes, an event count and an
/// overflow series), spread over two partitions, with what the core computes for each series.
/// </summary>
internal sealed class KnownStream
{
    public static readonly DateTimeOffset Minute = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private KnownStream(string topic, List<(int Partition, long Offset, MinuteAggregate Aggregate)> records, Dictionary<MetricSeries, Distribution> expected)
    {
        Topic = topic;
        Records = records;
        Expected = expected;
    }

    public string Topic { get; }

    public List<(int Partition, long Offset, MinuteAggregate Aggregate)> Records { get; }

    /// <summary>The core's distribution of each series over the whole stream.</summary>
    public Dictionary<MetricSeries, Distribution> Expected { get; }

    public static MetricSeries Duration(string pool, string status) =>
        new("snakepit.request.executed.duration", "ms", [new("pool", pool), new("status", status)]);

    public static MetricSeries Bytes(string socketType) =>
        new("emqtt.socket.recv_data.bytes", "By", [new("socket_type", socketType)]);

    public static MetricSeries EventCount(string pool) =>
        new("snakepit.request.executed.count", "{event}", [new("pool", pool)]);

    public static MetricSeries Overflow() =>
        new("snakepit.request.executed.duration", "ms", [new("otel.metric.overflow", "true")]);

    public static KnownStream Create(int events = 600, int seed = 20261123, DateTimeOffset? minute = null)
    {
        var window = minute ?? Minute;
        var random = new Random(seed);
        var records = new List<(int, long, MinuteAggregate)>();
        var expected = new Dictionary<MetricSeries, Distribution>();
        var offsets = new long[2];
        MetricSeries[] durations = [Duration("default", "ok"), Duration("gpu", "error"), Overflow()];
        MetricSeries[] sockets = [Bytes("tcp"), Bytes("websocket")];

        for (var i = 0; i < events; i++)
        {
            var partition = i % 2;
            var offset = offsets[partition]++;
            var durationSeries = durations[random.Next(durations.Length)];
            // Log-normal latencies with micro-unit resolution, plus exact zeros: the shapes quantiles must survive.
            var duration = random.Next(40) == 0 ? 0 : Math.Round(Math.Exp(random.NextDouble() * 6 - 1), 6);
            Add(durationSeries, duration);
            Add(EventCount(durationSeries["pool"] ?? "overflow"), 1);
            Add(sockets[random.Next(sockets.Length)], random.Next(1, 65_536));

            void Add(MetricSeries series, double value)
            {
                var distribution = new Distribution();
                distribution.Record(value);
                records.Add((partition, offset, new MinuteAggregate(series, window, distribution)));
                if (!expected.TryGetValue(series, out var total))
                {
                    total = new Distribution();
                    expected.Add(series, total);
                }

                total.Record(value);
            }
        }

        return new KnownStream("telemetry-" + Guid.NewGuid().ToString("N")[..8], records, expected);
    }

    /// <summary>The stream as the core hands it to sinks: one batch per partition and <paramref name="batchSize"/> records.</summary>
    public IEnumerable<TestBatch> Batches(int batchSize = 50)
    {
        foreach (var partition in Records.GroupBy(r => r.Partition))
        {
            var byOffset = partition.GroupBy(r => r.Offset).OrderBy(g => g.Key).ToList();
            var after = -1L;
            foreach (var chunk in byOffset.Chunk(batchSize))
            {
                var batch = new TestBatch(Topic, partition.Key, after, [.. chunk.SelectMany(g => g.Select(r => (r.Offset, r.Aggregate)))]);
                after = batch.ThroughOffset;
                yield return batch;
            }
        }
    }
}
