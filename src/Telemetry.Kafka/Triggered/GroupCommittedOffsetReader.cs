using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// Reads <c>Kafka:ConsumerGroup</c>'s committed offsets with the admin client (the group the trigger consumes as,
/// <c>%Kafka:ConsumerGroup%</c>). Partitions are always named: the all-partitions form returns nothing on the mock
/// cluster, and a batch knows its partitions anyway.
/// </summary>
internal sealed class GroupCommittedOffsetReader : ICommittedOffsetReader, IDisposable
{
    // One broker round trip; a slower answer means the broker is struggling, and the batch is better re-run later
    // by the trigger's retry policy than held here.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly KafkaOptions options;
    private readonly Lazy<IAdminClient> admin;

    public GroupCommittedOffsetReader(IOptions<KafkaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(KafkaClientConfigs.Admin(this.options, this.options.BootstrapServers)).Build());
    }

    public async Task<IReadOnlyDictionary<TopicPartition, long>> ReadAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (partitions.Count == 0)
        {
            return new Dictionary<TopicPartition, long>();
        }

        var results = await this.admin.Value.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(this.options.ConsumerGroup, [.. partitions])],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout })
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);

        var committed = new Dictionary<TopicPartition, long>();
        foreach (var partition in results.SelectMany(result => result.Partitions))
        {
            if (partition.Error.Code != ErrorCode.NoError)
            {
                throw new KafkaException(partition.Error);
            }

            // Offset.Unset (-1001): the group has never committed this partition.
            if (partition.Offset.Value >= 0)
            {
                committed[partition.TopicPartition] = partition.Offset.Value;
            }
        }

        return committed;
    }

    public void Dispose()
    {
        if (this.admin.IsValueCreated)
        {
            this.admin.Value.Dispose();
        }
    }
}
