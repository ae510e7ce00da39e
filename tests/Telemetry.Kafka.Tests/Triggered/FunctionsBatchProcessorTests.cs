using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Kafka.Tests.Pipeline;
using Telemetry.Kafka.Triggered;
using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Kafka.Tests.Triggered;

/// <summary>
/// <see cref="FunctionsBatchProcessor"/> on the mock cluster, fed records exactly as the Functions Kafka extension
/// 4.3.x delivers them (<see cref="ExtensionTransport"/>: timestamp type NotAvailable with the real milliseconds,
/// keys as bytes because the trigger sets <c>KeyDataType = Binary</c>).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class FunctionsBatchProcessorTests(MockKafkaCluster cluster)
{
    private static readonly byte[] BinaryKey = [0x00, 0xFF, 0xC3, 0x28, 0x7F];

    [Fact]
    public async Task A_dead_letter_of_a_triggered_record_carries_its_real_timestamp_and_its_key_byte_for_byte()
    {
        var (topic, options) = this.NewTopic();
        var recordTime = DateTimeOffset.FromUnixTimeMilliseconds(PipelineHarness.Now.ToUnixTimeMilliseconds());
        await ProduceAsync(topic, [
            Message(BinaryKey, "not json"u8.ToArray(), recordTime, TimestampType.CreateTime),
            Message("k1"u8.ToArray(), PipelineHarness.Valid(1), recordTime, TimestampType.CreateTime),
        ]);
        var sink = new RecordingSink();

        await this.ProcessAsTriggerAsync(options, sink, topic);

        var deadLetter = Assert.Single(cluster.ReadAll(topic + ".dlq"));
        Assert.Equal(BinaryKey, deadLetter.Message.Key);
        Assert.Equal(recordTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), PipelineHarness.Header(deadLetter.Message.Headers, "x-original-timestamp"));
        Assert.Equal(1, sink.Ranges.Sum(r => r.Events));
    }

    [Fact]
    public async Task An_envelope_far_ahead_of_its_records_timestamp_is_refused_since_the_trigger_now_gives_the_timestamp()
    {
        var (topic, options) = this.NewTopic();
        var recordTime = DateTimeOffset.UtcNow;
        var ahead = TelemetrySampleGenerator.Example("event_pipeline.event.execution", recordTime.AddHours(1));
        await ProduceAsync(topic, [
            Message("k0"u8.ToArray(), Encoding.UTF8.GetBytes(ahead), recordTime, TimestampType.CreateTime),
            Message("k1"u8.ToArray(), PipelineHarness.Valid(1), recordTime, TimestampType.CreateTime),
        ]);
        var sink = new RecordingSink();

        await this.ProcessAsTriggerAsync(options, sink, topic);

        var deadLetter = Assert.Single(cluster.ReadAll(topic + ".dlq"));
        Assert.Equal("k0", Encoding.UTF8.GetString(deadLetter.Message.Key));
        Assert.Equal("out_of_range", PipelineHarness.Header(deadLetter.Message.Headers, "x-error-kind"));
        Assert.Equal(1, sink.Ranges.Sum(r => r.Events));
    }

    [Fact]
    public async Task Records_below_the_groups_committed_offset_are_neither_counted_nor_dead_lettered_again()
    {
        // The batch's new owner finished offsets 0..1 and the extension committed 2; this instance's stale retry of
        // 0..3 must only finish 2..3.
        var (topic, options) = this.NewTopic();
        var now = DateTimeOffset.UtcNow;
        await ProduceAsync(topic, [
            Message("k0"u8.ToArray(), "not json"u8.ToArray(), now, TimestampType.CreateTime),
            Message("k1"u8.ToArray(), PipelineHarness.Valid(1), now, TimestampType.CreateTime),
            Message("k2"u8.ToArray(), "still not json"u8.ToArray(), now, TimestampType.CreateTime),
            Message("k3"u8.ToArray(), PipelineHarness.Valid(3), now, TimestampType.CreateTime),
        ]);
        Commit(options.ConsumerGroup, topic, 2);
        var sink = new RecordingSink();

        await this.ProcessAsTriggerAsync(options, sink, topic);

        var deadLetter = Assert.Single(cluster.ReadAll(topic + ".dlq"));
        Assert.Equal("k2", Encoding.UTF8.GetString(deadLetter.Message.Key));
        var range = Assert.Single(sink.Ranges);
        Assert.Equal((0, 1L, 3L, 1d), range);
    }

    private (string Topic, KafkaOptions Options) NewTopic()
    {
        var topic = cluster.CreateTopic("triggered", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.AckStrategy = "best_effort";
        return (topic, options);
    }

    /// <summary>One invocation on the first attempt, of every record of the topic as the trigger hands them over.</summary>
    private async Task ProcessAsTriggerAsync(KafkaOptions options, RecordingSink sink, string topic)
    {
        using var dlq = new DeadLetterProducer(Options.Create(options), NullLogger<DeadLetterProducer>.Instance);
        using var committed = new GroupCommittedOffsets(Options.Create(options));
        var processor = new FunctionsBatchProcessor(
            Options.Create(options),
            Options.Create(new IngestionOptions()),
            [sink],
            dlq,
            DecodingRecordHandler.Instance,
            committed,
            new OwnTelemetry(),
            NullLogger<FunctionsBatchProcessor>.Instance);

        await processor.ProcessAsync(ExtensionTransport.AsTriggerDelivers(cluster.ReadAll(topic)), attempt: 0, CancellationToken.None);
    }

    private static Message<byte[], byte[]> Message(byte[] key, byte[] value, DateTimeOffset time, TimestampType type) => new()
    {
        Key = key,
        Value = value,
        Timestamp = new Timestamp(time.ToUnixTimeMilliseconds(), type),
    };

    private async Task ProduceAsync(string topic, IEnumerable<Message<byte[], byte[]>> messages) =>
        await cluster.ProduceAsync(topic, messages, partition: 0);

    /// <summary>Commits for the group as the extension's StoreOffset and auto-commit would after a returned invocation.</summary>
    private void Commit(string group, string topic, long next)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(cluster.ConsumerConfig(group)).Build();
        consumer.Commit([new TopicPartitionOffset(topic, 0, next)]);
    }
}
