using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Kafka.Triggered;
using Telemetry.Testing.Kafka;
using Xunit;
using static Telemetry.Kafka.Tests.Pipeline.PipelineHarness;

namespace Telemetry.Kafka.Tests.Pipeline;

/// <summary>
/// A handler with a real defect: it assumes <c>event</c> is a string, so <see cref="JsonElement.GetString"/> throws
/// <see cref="InvalidOperationException"/> on the valid <c>:telemetry</c> list form. No fault is simulated.
/// </summary>
internal sealed class EventNameReadingHandler : IRecordHandler
{
    public MessageOutcome Handle(ConsumedRecord record, RecordOutcome decoded, int attempt)
    {
        if (decoded.IsMalformed)
        {
            return MessageOutcome.FromDecoding(decoded);
        }

        using var document = JsonDocument.Parse(record.Value);
        _ = document.RootElement.GetProperty("event").GetString()!.Length;
        return MessageOutcome.Succeeded;
    }
}

/// <summary>Issue 13's invariant, in both hosts, on the mock cluster: one record's exception dead-letters that record and the rest goes on.</summary>
[Collection(KafkaCollection.Name)]
public sealed class RecordFaultTests(MockKafkaCluster cluster)
{
    private const int Count = 12;
    private const int Poison = 5;

    private static byte[] ListForm(int i)
    {
        var json = Encoding.UTF8.GetString(Valid(i));
        var listed = json.Replace("\"event\":\"event_pipeline.event.execution\"", "\"event\":[\"event_pipeline\",\"event\",\"execution\"]", StringComparison.Ordinal);
        Assert.NotEqual(json, listed);
        return Encoding.UTF8.GetBytes(listed);
    }

    [Fact]
    public async Task Standalone_pipeline_dead_letters_the_record_whose_handling_throws_and_commits_past_it()
    {
        var topic = cluster.CreateTopic("fault", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var sent = await ProduceAsync(cluster, topic, Count, i => i == Poison ? ListForm(i) : null);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchSize = Count;
        options.BatchTimeoutMs = 1000;
        var sink = new RecordingSink();
        var pipeline = Create(options, new EventNameReadingHandler(), sink, out var dlq);
        using var _ = dlq;

        await using (var consumer = RunningConsumer.Start(options, pipeline))
        {
            await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == Count - 1), "the batch settled past the faulty record");
            await consumer.StopAsync();
        }

        Assert.Equal(Count, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
        Assert.Equal(Count - 1, sink.Ranges.Sum(r => r.Events));
        AssertDeadLetter(cluster.ReadAll(topic + ".dlq"), sent[Poison]);
    }

    [Fact]
    public async Task Triggered_batch_dead_letters_the_record_whose_handling_throws_and_completes()
    {
        var topic = cluster.CreateTopic("fault-trig", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var sent = await ProduceAsync(cluster, topic, Count, i => i == Poison ? ListForm(i) : null);
        var records = cluster.ReadAll(topic).Select(r => TriggerRecordMapper.Map(
            r.Topic, r.Partition.Value, r.Offset.Value, r.Message.Key, r.Message.Value, r.Message.Timestamp.UnixTimestampMs, r.Message.Timestamp.Type,
            r.Message.Headers.Select(h => (h.Key, (byte[]?)h.GetValueBytes())).ToList())).ToList();
        Assert.Equal(Count, records.Count);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        var sink = new RecordingSink();
        using var dlq = new DeadLetterProducer(Options.Create(options), NullLogger<DeadLetterProducer>.Instance);
        using var committed = new GroupCommittedOffsets(Options.Create(options));
        var processor = new FunctionsBatchProcessor(
            Options.Create(options), Options.Create(new IngestionOptions()), [sink], dlq, new EventNameReadingHandler(), committed, new OwnTelemetry(),
            NullLogger<FunctionsBatchProcessor>.Instance);

        // Completes (the extension then commits the batch) instead of throwing into an endless redelivery.
        await processor.ProcessAsync(records, attempt: 0, CancellationToken.None);

        Assert.Equal(Count - 1, sink.Ranges.Sum(r => r.Events));
        AssertDeadLetter(cluster.ReadAll(topic + ".dlq"), sent[Poison]);
    }

    private static void AssertDeadLetter(IReadOnlyList<ConsumeResult<byte[], byte[]>> dead, Message<byte[], byte[]> poison)
    {
        var letter = Assert.Single(dead);
        Assert.Equal(poison.Value, letter.Message.Value);
        Assert.Equal(Poison.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter.Message.Headers, DeadLetterHeaders.OriginalOffset));
        Assert.Equal("decoder_fault", Header(letter.Message.Headers, DeadLetterHeaders.ErrorKind));
        var message = Header(letter.Message.Headers, DeadLetterHeaders.ErrorMessage);
        Assert.Contains("System.InvalidOperationException", message, StringComparison.Ordinal);
        Assert.DoesNotContain("event_pipeline", message, StringComparison.Ordinal);
        Assert.True(message.Length <= DeadLetter.MaxErrorMessageLength + 1, message);
    }
}
