using Telemetry.Domain.Aggregation;

namespace Telemetry.Benchmarks;

/// <summary>
/// A realistic series mix for the ledger benchmarks: the five seed families' kinds of metrics with their
/// allow-listed dimensions (about 90 series), Zipf-skewed as real traffic is (a few hot series, a long tail),
/// over three Kafka partitions and ten minutes of event time, cut into consumer batches.
/// </summary>
internal sealed class LedgerWorkload
{
    public const string Topic = "telemetry.events";
    public const int Partitions = 3;

    private LedgerWorkload(List<LedgerBatch> batches, int events)
    {
        Batches = batches;
        Events = events;
    }

    public List<LedgerBatch> Batches { get; }

    public int Events { get; }

    public static LedgerWorkload Create(int events, int batchSize, int minutes = 10, int seed = 42)
    {
        var series = SeriesMix();
        var weights = series.Select((_, i) => 1.0 / (i + 1)).ToArray();
        var cumulative = new double[weights.Length];
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var perPartition = new List<LedgerRecord>[Partitions];
        for (var p = 0; p < Partitions; p++)
        {
            perPartition[p] = [];
        }

        for (var i = 0; i < events; i++)
        {
            var p = i % Partitions;
            var pick = random.NextDouble() * total;
            var s = Array.BinarySearch(cumulative, pick);
            s = s < 0 ? ~s : s;
            var time = start.AddMilliseconds((double)i / events * minutes * 60_000);
            var value = Math.Round(Math.Exp(random.NextDouble() * 7), 3);
            perPartition[p].Add(new LedgerRecord(perPartition[p].Count, series[Math.Min(s, series.Count - 1)], time, value));
        }

        var batches = new List<LedgerBatch>();
        for (var p = 0; p < Partitions; p++)
        {
            var records = perPartition[p];
            for (var from = 0; from < records.Count; from += batchSize)
            {
                var slice = records.GetRange(from, Math.Min(batchSize, records.Count - from));
                batches.Add(new LedgerBatch(Topic, p, from - 1, slice[^1].Offset, slice));
            }
        }

        return new LedgerWorkload(batches, events);
    }

    private static List<MetricSeries> SeriesMix()
    {
        var list = new List<MetricSeries>();
        void Add(string name, string unit, params (string, string)[] dims) =>
            list.Add(new MetricSeries(name, unit, dims.Select(d => new KeyValuePair<string, string>(d.Item1, d.Item2))));

        foreach (var ev in new[] { "Fetch", "Parse", "Enrich", "Store", "Notify" })
        {
            foreach (var status in new[] { "ok", "failed" })
            {
                Add("event_pipeline.event.executed.duration", "ms", ("event", ev), ("status", status));
                Add("event_pipeline.event.executed.retries", "{retry}", ("event", ev), ("status", status));
            }
        }

        foreach (var op in new[] { "connect", "send", "receive" })
        {
            foreach (var host in new[] { "10.0.0.5", "10.0.0.6" })
            {
                Add("event_pipeline.network.operation.duration", "ms", ("operation", op), ("host", host));
                Add("event_pipeline.network.operation.bytes_sent", "By", ("operation", op), ("host", host));
            }
        }

        foreach (var topic in new[] { "orders", "payments", "shipments" })
        {
            foreach (var ev in new[] { "process_end", "process_start", "message_retry", "dlq_sent" })
            {
                Add($"kafee.batch.{ev}.count", "{event}", ("topic", topic), ("consumer_group", "billing"));
            }

            Add("kafee.batch.process_end.duration", "ms", ("topic", topic), ("consumer_group", "billing"));
            Add("kafka.eventbus.handler.duration", "ms", ("messaging.destination.name", topic), ("messaging.consumer.group.name", "billing"));
        }

        foreach (var listener in new[] { "tcp:default", "ssl:default", "ws:default" })
        {
            foreach (var ev in new[] { "connected", "closed", "bytes_received" })
            {
                Add($"emqtt.socket.{ev}", ev == "bytes_received" ? "By" : "{event}", ("listener", listener));
            }
        }

        foreach (var pool in new[] { "default", "gpu", "io" })
        {
            Add("snakepit.request.executed.duration", "ms", ("pool", pool));
            Add("snakepit.worker.started.startup_time", "ms", ("pool", pool));
            Add("snakepit.worker.crashed.count", "{event}", ("pool", pool));
        }

        return list;
    }
}
