using Confluent.Kafka;
using Telemetry.Testing.Kafka;

namespace Telemetry.Pollers.Tests.Lag;

/// <summary>Drives a consumer group on the mock cluster: consume and commit, or commit a chosen offset (a rewind).</summary>
internal static class KafkaOffsets
{
    public static Task ProduceAsync(MockKafkaCluster kafka, string topic, int partition, int count) =>
        kafka.ProduceAsync(topic, Enumerable.Range(0, count).Select(i => $"m{i}"), partition);

    /// <summary>Consumes <paramref name="count"/> messages of one partition from the group's position and commits after them.</summary>
    public static void ConsumeAndCommit(MockKafkaCluster kafka, string group, string topic, int partition, int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ConsumerConfig(group)).Build();
        var tp = new TopicPartition(topic, partition);
        var committed = consumer.Committed([tp], TimeSpan.FromSeconds(10)).Single().Offset;
        consumer.Assign(new TopicPartitionOffset(tp, committed.Value >= 0 ? committed : Offset.Beginning));
        long next = -1;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var consumed = 0; consumed < count;)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Consumed {consumed} of {count} from {topic}/{partition}.");
            }

            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is null)
            {
                continue;
            }

            next = r.Offset.Value + 1;
            consumed++;
        }

        consumer.Commit([new TopicPartitionOffset(tp, next)]);
        consumer.Close();
    }

    /// <summary>Commits <paramref name="offset"/> for the group, whatever it committed before.</summary>
    public static void Commit(MockKafkaCluster kafka, string group, string topic, int partition, long offset)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ConsumerConfig(group)).Build();
        consumer.Commit([new TopicPartitionOffset(topic, partition, offset)]);
        consumer.Close();
    }
}
