using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Telemetry.Pollers.Lag;

/// <summary>
/// Reads, for one configured group, each partition's committed offset and high watermark with the admin client.
/// Groups are never listed (<c>ListConsumerGroups</c> crashes the process on the mock cluster), and committed offsets
/// are asked for explicit partitions (the all-partitions form returns nothing there).
/// </summary>
internal sealed class KafkaLagSource : IDisposable
{
    private readonly Lazy<IAdminClient> _admin;

    /// <param name="config">Called when the first poll needs a client, so a host without lag groups needs no Kafka settings.</param>
    public KafkaLagSource(Func<AdminClientConfig> config)
    {
        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(config()).Build());
    }

    public async Task<IReadOnlyList<PartitionOffsets>> ReadAsync(string group, IReadOnlyList<string> topics, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var partitions = await Task.Run(() => topics.SelectMany(t => Partitions(t, timeout)).ToList(), cancellationToken).ConfigureAwait(false);
        if (partitions.Count == 0)
        {
            return [];
        }

        var committedTask = _admin.Value.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, partitions)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout });
        var latestTask = _admin.Value.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }),
            new ListOffsetsOptions { RequestTimeout = timeout });
        await Task.WhenAll(committedTask, latestTask).WaitAsync(cancellationToken).ConfigureAwait(false);

        var committed = committedTask.Result.SelectMany(r => r.Partitions)
            .Where(p => p.Error.Code == ErrorCode.NoError && p.Offset.Value >= 0)
            .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
        var latest = latestTask.Result.ResultInfos
            .Where(r => r.TopicPartitionOffsetError.Error.Code == ErrorCode.NoError)
            .ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);

        return partitions
            .Where(latest.ContainsKey)
            .Select(p => new PartitionOffsets(p.Topic, p.Partition.Value, latest[p], committed.TryGetValue(p, out var c) ? c : null))
            .ToArray();
    }

    private IEnumerable<TopicPartition> Partitions(string topic, TimeSpan timeout)
    {
        var metadata = _admin.Value.GetMetadata(topic, timeout);
        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code != ErrorCode.NoError)
        {
            throw new KafkaException(found?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"topic {topic} not in metadata"));
        }

        return found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId));
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}

/// <summary>One partition as read now: its high watermark and the group's committed offset (null if the group never committed there).</summary>
internal sealed record PartitionOffsets(string Topic, int Partition, long HighWatermark, long? Committed);
