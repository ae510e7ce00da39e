using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// <see cref="IFinalisedOffsets"/> from <c>Kafka:ConsumerGroup</c>'s committed offsets, for a trigger without a ledger:
/// the extension commits a batch only after the function returned, so every record below the committed offset was
/// finalised. It cannot tell about an instance that finished a batch after losing its partition (its commit is
/// refused), which is why the Functions app uses the ledger's record instead (<c>AddLedgerFinalisedOffsets</c>).
/// Partitions are always named: the all-partitions form returns nothing on the mock cluster.
/// </summary>
internal sealed class GroupCommittedOffsets : IFinalisedOffsets, IDisposable
{
    // One broker round trip; a slower answer means the broker is struggling, and the batch is better re-run later
    // by the trigger's retry policy than held here.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly KafkaOptions _options;
    private readonly Lazy<IAdminClient> _admin;

    public GroupCommittedOffsets(IOptions<KafkaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(KafkaClientConfigs.Admin(_options, _options.BootstrapServers)).Build());
    }

    public async Task<IReadOnlyDictionary<(string Topic, int Partition), long>> ReadAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var finalised = new Dictionary<(string Topic, int Partition), long>();
        if (partitions.Count == 0)
        {
            return finalised;
        }

        var results = await _admin.Value.ListConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitions(_options.ConsumerGroup, [.. partitions.Select(p => new TopicPartition(p.Topic, p.Partition))])],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout })
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);

        foreach (var partition in results.SelectMany(result => result.Partitions))
        {
            if (partition.Error.Code != ErrorCode.NoError)
            {
                throw new KafkaException(partition.Error);
            }

            // Offset.Unset (-1001): the group has never committed this partition. Otherwise the committed offset is
            // the next to read, so the last finalised one is just before it.
            if (partition.Offset.Value >= 0)
            {
                finalised[(partition.Topic, partition.Partition.Value)] = partition.Offset.Value - 1;
            }
        }

        return finalised;
    }

    /// <summary>Nothing to do: the extension commits the batch when the function returns.</summary>
    public Task RaiseAsync(string topic, int partition, long throughOffset, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
