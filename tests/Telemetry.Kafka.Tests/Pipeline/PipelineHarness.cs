using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Testing.Kafka;

namespace Telemetry.Kafka.Tests.Pipeline;

/// <summary>Injects transient failures into chosen offsets (a decorator of the real decoding handler, not a Kafka mock).</summary>
internal sealed class FailingHandler : IRecordHandler
{
    private readonly ConcurrentDictionary<long, int> _failuresLeft = new();

    public ConcurrentQueue<long> Handled { get; } = new();

    public FailingHandler Fail(long offset, int times)
    {
        _failuresLeft[offset] = times;
        return this;
    }

    public MessageOutcome Handle(ConsumedRecord record, RecordOutcome decoded, int attempt)
    {
        this.Handled.Enqueue(record.Offset);
        if (decoded.IsMalformed)
        {
            return MessageOutcome.FromDecoding(decoded);
        }

        if (_failuresLeft.TryGetValue(record.Offset, out var left) && left > 0)
        {
            _failuresLeft[record.Offset] = left - 1;
            return MessageOutcome.Failed("InjectedFailure", "injected for the test");
        }

        return MessageOutcome.Succeeded;
    }
}

/// <summary>Remembers every range a sink was given, and can refuse writes (a storage outage).</summary>
internal sealed class RecordingSink : IAggregateSink
{
    private int _refused;

    public ConcurrentQueue<(int Partition, long After, long Through, double Events)> Ranges { get; } = new();

    public volatile bool Down;

    /// <summary>Writes refused while <see cref="Down"/>: proof the pipeline reached the sink and came back for more.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        if (this.Down)
        {
            Interlocked.Increment(ref _refused);
            throw new IOException("sink down");
        }

        var events = batch.Aggregates.Where(a => a.Series.Name.EndsWith(".count", StringComparison.Ordinal)).Sum(a => a.Distribution.Sum);
        this.Ranges.Enqueue((batch.Partition, batch.AfterOffset, batch.ThroughOffset, events));
        return Task.CompletedTask;
    }
}

internal static class PipelineHarness
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>A valid envelope (Event Pipeline execution: exactly one <c>.count</c> metric per event).</summary>
    public static byte[] Valid(int i) => Encoding.UTF8.GetBytes(TelemetrySampleGenerator.Example("event_pipeline.event.execution", Now.AddMilliseconds(i)));

    public static StandaloneBatchProcessor Create(KafkaOptions options, IRecordHandler handler, IAggregateSink sink, out DeadLetterProducer dlq, TimeProvider? time = null, OwnTelemetry? telemetry = null, ConsumerProgress? progress = null)
    {
        telemetry ??= new OwnTelemetry();
        dlq = new DeadLetterProducer(Options.Create(options), NullLogger<DeadLetterProducer>.Instance, time, telemetry);
        return new StandaloneBatchProcessor(
            Options.Create(options),
            Options.Create(new IngestionOptions()),
            [sink],
            dlq,
            handler,
            telemetry,
            progress ?? new ConsumerProgress(),
            NullLogger<StandaloneBatchProcessor>.Instance);
    }

    public static Message<byte[], byte[]> Message(int i, byte[]? value = null) => new()
    {
        Key = Encoding.UTF8.GetBytes($"key-{i}"),
        Value = value ?? Valid(i),
        Headers = [new Header("trace", Encoding.UTF8.GetBytes($"t{i}"))],
        Timestamp = new Timestamp(Now.AddMilliseconds(i)),
    };

    public static string Header(Headers headers, string key) =>
        Encoding.UTF8.GetString(headers.Last(h => h.Key == key).GetValueBytes());

    /// <summary>Produces messages <paramref name="first"/> .. first + count - 1 (key <c>key-i</c>, header <c>trace=ti</c>) to partition 0, in order.</summary>
    public static async Task<IReadOnlyList<Message<byte[], byte[]>>> ProduceAsync(MockKafkaCluster cluster, string topic, int count, Func<int, byte[]?>? value = null, int first = 0)
    {
        var messages = Enumerable.Range(first, count).Select(i => Message(i, value?.Invoke(i))).ToList();
        var config = cluster.ProducerConfig();
        config.MessageMaxBytes = 4 * 1024 * 1024;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        foreach (var m in messages)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), m);
        }

        return messages;
    }

    /// <summary>
    /// Runs the pipeline (the real decoding handler with no injected failures, 1 s batches) over a topic of <paramref name="count"/> records
    /// on partition 0 until its last offset settled, then stops it; returns what reached the sink.
    /// </summary>
    public static async Task<RecordingSink> ConsumeTopicOnceAsync(MockKafkaCluster cluster, string topic, int count, KafkaOptions options)
    {
        options.BatchTimeoutMs = 1000;
        var sink = new RecordingSink();
        var pipeline = Create(options, new FailingHandler(), sink, out var dlq);
        using var _ = dlq;
        await using (var consumer = RunningConsumer.Start(options, pipeline))
        {
            await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == count - 1), "the whole topic settled");
            await consumer.StopAsync();
        }

        return sink;
    }
}
