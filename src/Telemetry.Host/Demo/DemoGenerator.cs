using System.Diagnostics;
using Confluent.Kafka;
using Telemetry.Domain.Processing;

namespace Telemetry.Host.Demo;

/// <summary>
/// Produces realistic telemetry of all five seed families at a chosen rate, a small share of it malformed
/// (not JSON, truncated, wrong schema version, ...), spread over the topic's partitions.
/// </summary>
internal sealed class DemoGenerator
{
    private long produced;
    private long failed;

    public long Produced => Interlocked.Read(ref this.produced);

    public long Failed => Interlocked.Read(ref this.failed);

    public async Task RunAsync(string bootstrapServers, string topic, int partitions, int events, int ratePerSecond, double malformedRatio, CancellationToken ct)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "telemetry-demo-generator",
            EnableIdempotence = true,
            LingerMs = 5,
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var perPartition = (events + partitions - 1) / partitions;
        var streams = Enumerable.Range(0, partitions)
            .Select(p => new TelemetrySampleGenerator(seed: 1000 + p, DateTimeOffset.UtcNow, eventsPerSecond: Math.Max(1, ratePerSecond / partitions))
                .Records(topic, p, 0, perPartition, malformedRatio))
            .ToArray();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events && !ct.IsCancellationRequested; i++)
        {
            var partition = i % partitions;
            var record = streams[partition][i / partitions];
            var message = new Message<byte[]?, byte[]> { Value = record.Value.ToArray() };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, partition), message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            Interlocked.Increment(ref this.failed);
                        }
                        else
                        {
                            Interlocked.Increment(ref this.produced);
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
            var due = TimeSpan.FromSeconds((i + 1) / (double)ratePerSecond);
            if (due > clock.Elapsed + TimeSpan.FromMilliseconds(20))
            {
                await Task.Delay(due - clock.Elapsed, ct);
            }
        }

        producer.Flush(ct);
    }
}
