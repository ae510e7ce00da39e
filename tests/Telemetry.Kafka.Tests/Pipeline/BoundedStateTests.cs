using System.Globalization;
using Confluent.Kafka;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Testing.Kafka;
using Xunit;
using static Telemetry.Kafka.Tests.Pipeline.PipelineHarness;

namespace Telemetry.Kafka.Tests.Pipeline;

/// <summary>The standalone pipeline keeps no state for partitions it gave up, and refuses events too old to window.</summary>
[Collection(KafkaCollection.Name)]
public sealed class BoundedStateTests(MockKafkaCluster cluster)
{
    [Fact]
    public async Task Events_older_than_the_maximum_age_go_to_the_dlq_as_too_old_and_the_rest_is_counted()
    {
        var topic = cluster.CreateTopic("too-old", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var old = System.Text.Encoding.UTF8.GetBytes(TelemetrySampleGenerator.Example("event_pipeline.event.execution", Now.AddDays(-8)));
        var sent = await ProduceAsync(cluster, topic, 10, i => i is 2 or 6 ? old : null);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        var sink = await ConsumeTopicOnceAsync(cluster, topic, 10, options);

        Assert.Equal(8, sink.Ranges.Sum(r => r.Events));
        Assert.Equal(10, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
        var dead = cluster.ReadAll(topic + ".dlq");
        Assert.Equal([2, 6], dead.Select(d => int.Parse(Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset), CultureInfo.InvariantCulture)));
        Assert.All(dead, d =>
        {
            Assert.Equal("too_old", Header(d.Message.Headers, DeadLetterHeaders.ErrorKind));
            Assert.Equal("time is more than 7 days before the record's timestamp (Ingestion:MaxEventAgeDays).", Header(d.Message.Headers, DeadLetterHeaders.ErrorMessage));
            Assert.Equal(sent[2].Value, d.Message.Value);
        });
    }

    [Fact]
    public async Task Partitions_a_member_gives_up_leave_no_decoding_state_behind_and_nothing_is_lost()
    {
        const int Partitions = 4;
        const int PerPartition = 200;
        var topic = cluster.CreateTopic("handover", Partitions);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        await ProduceToEveryPartitionAsync(topic, Partitions, 0, PerPartition / 2);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchSize = 20;
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        var a = Create(options, new FailingHandler(), sinkA, out var dlqA);
        var b = Create(options, new FailingHandler(), sinkB, out var dlqB);
        using var _ = dlqA;
        using var __ = dlqB;

        await using var first = RunningConsumer.Start(options, a);
        await Eventually.TrueAsync(() => a.DecoderCount == Partitions, "the first member decodes every partition");
        await using (var second = RunningConsumer.Start(options, b))
        {
            await Eventually.TrueAsync(() => second.Progress.AssignedPartitions > 0 && first.Progress.AssignedPartitions + second.Progress.AssignedPartitions == Partitions, "the partitions are shared");
            await ProduceToEveryPartitionAsync(topic, Partitions, PerPartition / 2, PerPartition / 2);
            await Eventually.TrueAsync(() => b.DecoderCount == second.Progress.AssignedPartitions, "the second member decodes what it owns");

            // The first member holds state only for what it still owns: the revoked partitions' processors are gone.
            Assert.Equal(first.Progress.AssignedPartitions, a.DecoderCount);
            await Eventually.TrueAsync(() => Covered(sinkA, sinkB, Partitions, PerPartition), "every record reached a sink");
            await second.StopAsync();
            Assert.Equal(0, b.DecoderCount);
        }

        await Eventually.TrueAsync(() => first.Progress.AssignedPartitions == Partitions, "the first member takes every partition back");
        var end = cluster.EndOffsets(topic);
        await Eventually.TrueAsync(() => cluster.CommittedOffsets(options.ConsumerGroup, topic).All(c => c.Value == end[c.Key]), "everything committed");
        await first.StopAsync();
        Assert.Equal(0, a.DecoderCount);
        Assert.True(Covered(sinkA, sinkB, Partitions, PerPartition));
    }

    /// <summary>Every offset of every partition lies in a range some sink was given (at least once; the ledger dedupes).</summary>
    private static bool Covered(RecordingSink a, RecordingSink b, int partitions, int perPartition)
    {
        var ranges = a.Ranges.Concat(b.Ranges).ToList();
        return Enumerable.Range(0, partitions).All(p =>
            Enumerable.Range(0, perPartition).All(o => ranges.Any(r => r.Partition == p && r.After < o && o <= r.Through)));
    }

    private async Task ProduceToEveryPartitionAsync(string topic, int partitions, int first, int count)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(cluster.ProducerConfig()).Build();
        for (var p = 0; p < partitions; p++)
        {
            for (var i = first; i < first + count; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, p), Message(i));
            }
        }
    }
}
