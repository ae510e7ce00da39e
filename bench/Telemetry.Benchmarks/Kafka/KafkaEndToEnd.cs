using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telemetry.DevServices.Kafka;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;

namespace Telemetry.Benchmarks.Kafka;

/// <summary>
/// Issue 8's end-to-end figure: events/s of the standalone host's pipeline (consume loop, partition workers, decode,
/// validate, aggregate, acknowledgement, offset commits) against a bare Confluent consumer that only counts, both
/// reading the same topic of the same embedded mock cluster with a fresh group, in interleaved rounds so the
/// neighbours' load hits both sides alike. Each side is timed from its first record to its last, so the group join
/// (the same for both, and not throughput) is left out.
/// </summary>
internal static class KafkaEndToEnd
{
    public static void Run(string[] args)
    {
        var events = Arg(args, "--events", 1_000_000);
        var partitions = Arg(args, "--partitions", 64);
        var rounds = Arg(args, "--rounds", 3);
        var malformed = Arg(args, "--malformed-per-million", 0) / 1e6;
        const string Topic = "bench-telemetry";
        // Extra host settings as Section:Key=value (e.g. Kafka:BatchSize=2000), applied over demo's.
        var overrides = args.Where(a => a.Contains(':', StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);

        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, partitions);
        Console.WriteLine($"Embedded mock cluster (librdkafka {Library.VersionString}, 1 broker) at {cluster.BootstrapServers}; load {LoadAverage()}");
        var (bytes, produceSeconds) = Produce(cluster.BootstrapServers, Topic, partitions, events, malformed);
        CheckNothingDropped(cluster.BootstrapServers, Topic, partitions, events);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Produced {events:N0} envelopes (average {bytes / (double)events:0} B, {malformed * 100:0.###} % malformed) over {partitions} partitions in {produceSeconds:0.0} s ({events / produceSeconds:N0} msg/s)"));

        var raw = new List<double>();
        var rawTuned = new List<double>();
        var pipeline = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var cpu = CpuSeconds();
            raw.Add(BareConsumer(cluster.BootstrapServers, Topic, events, hostFetchSettings: false));
            var rawCpu = CpuSeconds() - cpu;
            cpu = CpuSeconds();
            rawTuned.Add(BareConsumer(cluster.BootstrapServers, Topic, events, hostFetchSettings: true));
            var rawTunedCpu = CpuSeconds() - cpu;
            cpu = CpuSeconds();
            pipeline.Add(HostPipeline(cluster.BootstrapServers, Topic, events, overrides).GetAwaiter().GetResult());
            var pipelineCpu = CpuSeconds() - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: bare consumer {raw[^1]:N0} ev/s ({rawCpu * 1e9 / events:0} CPU ns/event), bare with the host's fetch settings {rawTuned[^1]:N0} ev/s ({rawTunedCpu * 1e9 / events:0}), pipeline {pipeline[^1]:N0} ev/s ({pipelineCpu * 1e9 / events:0}); ratios {pipeline[^1] / raw[^1]:0.00} and {pipeline[^1] / rawTuned[^1]:0.00}; load {LoadAverage()}"));
        }

        Console.WriteLine();
        Console.WriteLine("| side | best events/s | median events/s |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare Confluent consumer, librdkafka defaults (counts only) | {raw.Max():N0} | {Median(raw):N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare Confluent consumer, the host's fetch settings (counts only) | {rawTuned.Max():N0} | {Median(rawTuned):N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| host pipeline (in-memory sink, no ledger) | {pipeline.Max():N0} | {Median(pipeline):N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **ratio pipeline / bare, defaults** | **{pipeline.Max() / raw.Max():0.00}** (best) | **{Median(pipeline) / Median(raw):0.00}** (median) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **ratio pipeline / bare, host's fetch settings** | **{pipeline.Max() / rawTuned.Max():0.00}** (best) | **{Median(pipeline) / Median(rawTuned):0.00}** (median) |"));
    }

    private static (long Bytes, double Seconds) Produce(string bootstrap, string topic, int partitions, int events, double malformed)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "bench-producer",
            Acks = Acks.Leader,
            LingerMs = 20,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 500_000,
        };
        using var producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        long bytes = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var perPartition = events / partitions;
        for (var p = 0; p < partitions; p++)
        {
            var count = perPartition + (p < events % partitions ? 1 : 0);
            // Realistic envelopes of all five families, event time at about 1,000 events/s per partition from now.
            var records = new TelemetrySampleGenerator(seed: 1000 + p, DateTimeOffset.UtcNow, eventsPerSecond: 1000).Records(topic, p, 0, count, malformed);
            foreach (var record in records)
            {
                var message = new Message<Null, byte[]> { Value = record.Value.ToArray() };
                bytes += message.Value.Length;
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, p), message, r =>
                        {
                            if (r.Error.IsError)
                            {
                                Interlocked.Increment(ref failed);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(5));
        if (Interlocked.Read(ref failed) > 0)
        {
            throw new InvalidOperationException($"{failed} envelopes were not produced.");
        }

        return (bytes, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The mock keeps only a few MiB per partition: a run whose oldest records were dropped would measure less than it claims.</summary>
    private static void CheckNothingDropped(string bootstrap, string topic, int partitions, int events)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-watermarks" }).Build();
        long total = 0;
        for (var p = 0; p < partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            if (w.Low.Value != 0)
            {
                throw new InvalidOperationException($"The mock cluster dropped the start of partition {p} (low watermark {w.Low.Value}); use more partitions or fewer events.");
            }

            total += w.High.Value;
        }

        if (total != events)
        {
            throw new InvalidOperationException($"The topic holds {total} records, expected {events}.");
        }
    }

    /// <summary>A bare consumer that only counts: the raw consume rate of this topic on this cluster.</summary>
    /// <param name="hostFetchSettings">
    /// Also use the fetch setting the host changes from librdkafka's default (<c>fetch.queue.backoff.ms</c>), so the
    /// ratio is not won by tuning one side only.
    /// </param>
    private static double BareConsumer(string bootstrap, string topic, int events, bool hostFetchSettings)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-bare-" + Guid.NewGuid().ToString("N")[..8],
            ClientId = "bench-bare",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        if (hostFetchSettings)
        {
            config.Set(KafkaClientConfigs.FetchQueueBackoffKey, new KafkaOptions().FetchQueueBackoffMs.ToString(CultureInfo.InvariantCulture));
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        long count = 0;
        var clock = new Stopwatch();
        while (count < events)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            if (count++ == 0)
            {
                clock.Start();
            }
        }

        clock.Stop();
        consumer.Close();
        return (events - 1) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The standalone host as <c>demo</c> runs it (the shared pipeline wiring, <c>AddKafkaConsumer()</c>, demo's batch and
    /// session settings, default ack strategy, batch size and in-flight limit), without a ledger and without the
    /// OpenTelemetry exporter: its only sink counts the aggregates it is handed.
    /// </summary>
    private static async Task<double> HostPipeline(string bootstrap, string topic, int events, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:Topics"] = topic,
            ["Kafka:ConsumerGroup"] = "bench-pipeline-" + Guid.NewGuid().ToString("N")[..8],
            ["Kafka:BatchTimeoutMs"] = "200",
            ["Kafka:SessionTimeoutMs"] = "6000",
            ["Kafka:AutoOffsetReset"] = "earliest",
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTelemetryPipeline(builder.Configuration);
        builder.Services.AddSingleton<IAggregateSink, CountingSink>();
        builder.Services.AddKafkaConsumer();
        using var host = builder.Build();
        var progress = host.Services.GetRequiredService<ConsumerProgress>();
        await host.StartAsync();
        var clock = new Stopwatch();
        while (progress.Processed < events)
        {
            if (!clock.IsRunning && progress.Consumed > 0)
            {
                clock.Start();
            }

            Thread.Sleep(1);
        }

        clock.Stop();
        var aggregated = host.Services.GetServices<IAggregateSink>().OfType<CountingSink>().Single().Ranges;
        await host.StopAsync();
        if (aggregated == 0)
        {
            throw new InvalidOperationException("The pipeline processed the topic but handed its sink nothing.");
        }

        return (events - 1) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>This process's CPU time (all threads, librdkafka's included), including each side's join and close.</summary>
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The in-memory sink: counts the ranges and aggregates it is handed, so the aggregation work cannot be skipped.</summary>
    private sealed class CountingSink : IAggregateSink
    {
        private long _ranges;
        private long _aggregates;

        public long Ranges => Interlocked.Read(ref _ranges);

        public long Aggregates => Interlocked.Read(ref _aggregates);

        public Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _ranges);
            Interlocked.Add(ref _aggregates, batch.Aggregates.Count);
            return Task.CompletedTask;
        }
    }
}
