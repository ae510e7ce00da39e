using System.Diagnostics;
using Confluent.Kafka;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Host.Demo;

/// <summary>
/// Produces realistic telemetry of all five seed families at a chosen rate, a small share of it malformed
/// (not JSON, truncated, wrong schema version, ...), spread over the topic's partitions. The records are planned up
/// front, so what the pipeline should count (events per family, malformed records) is known before any is sent.
/// </summary>
internal sealed class DemoGenerator
{
    private readonly string _topic;
    private readonly int _ratePerSecond;
    private readonly IReadOnlyList<ConsumedRecord>[] _streams;
    private long _produced;
    private long _failed;

    public DemoGenerator(string topic, int partitions, int events, int ratePerSecond, double malformedRatio)
    {
        _topic = topic;
        _ratePerSecond = ratePerSecond;
        this.Planned = events;

        // Record i goes to partition i % partitions, so partition p gets the first ceil((events - p) / partitions) of its stream.
        _streams = Enumerable.Range(0, partitions)
            .Select(p => new TelemetrySampleGenerator(seed: 1000 + p, DateTimeOffset.UtcNow, eventsPerSecond: Math.Max(1, ratePerSecond / partitions))
                .Records(topic, p, 0, Math.Max(0, (events - p + partitions - 1) / partitions), malformedRatio))
            .ToArray();
        (this.Expected, this.ExpectedMalformed) = Expect(topic, _streams);
    }

    public int Planned { get; }

    /// <summary>Events per family the pipeline should aggregate once every planned record is produced.</summary>
    public IReadOnlyDictionary<TelemetryFamily, long> Expected { get; }

    /// <summary>Planned records the pipeline should dead-letter as malformed.</summary>
    public long ExpectedMalformed { get; }

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    public async Task RunAsync(string bootstrapServers, CancellationToken ct)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "telemetry-demo-generator",
            EnableIdempotence = true,
            LingerMs = 5,
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var partitions = _streams.Length;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < this.Planned && !ct.IsCancellationRequested; i++)
        {
            var partition = i % partitions;
            var record = _streams[partition][i / partitions];
            var message = new Message<byte[]?, byte[]> { Value = record.Value.ToArray() };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(_topic, partition), message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            Interlocked.Increment(ref _failed);
                        }
                        else
                        {
                            Interlocked.Increment(ref _produced);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }

            // Pace to the requested rate.
            var due = TimeSpan.FromSeconds((i + 1) / (double)_ratePerSecond);
            if (due > clock.Elapsed + TimeSpan.FromMilliseconds(20))
            {
                await Task.Delay(due - clock.Elapsed, ct);
            }
        }

        producer.Flush(ct);
    }

    /// <summary>Decodes and aggregates the plan in memory, partition by partition, the way the consumer will.</summary>
    private static (IReadOnlyDictionary<TelemetryFamily, long> Families, long Malformed) Expect(string topic, IReadOnlyList<ConsumedRecord>[] streams)
    {
        var families = new Dictionary<TelemetryFamily, long>();
        long malformed = 0;
        for (var p = 0; p < streams.Length; p++)
        {
            if (streams[p].Count == 0)
            {
                continue;
            }

            var batch = new PartitionDecoder(topic, p, new IngestionOptions()).Decode(streams[p]);
            malformed += batch.MalformedCount;
            foreach (var (family, count) in FamilyCounts.Of(batch.Finalise(-1, streams[p][^1].Offset).Aggregates))
            {
                families[family] = families.GetValueOrDefault(family) + count;
            }
        }

        return (families, malformed);
    }
}
