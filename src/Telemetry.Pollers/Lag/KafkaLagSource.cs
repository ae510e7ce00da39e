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
    private readonly Func<AdminClientConfig> _config;
    private readonly object _gate = new();
    private Lease? _current;
    private bool _disposed;

    /// <param name="config">Called when a poll needs a client, so a host without lag groups needs no Kafka settings.</param>
    public KafkaLagSource(Func<AdminClientConfig> config)
    {
        _config = config;
    }

    /// <summary>
    /// A read that fails or times out retires the admin client it used: after a broker outage librdkafka can leave a
    /// client whose requests (coordinator lookup, offsets) never complete, so every later poll would wait out its
    /// timeout until the process restarts. The next read builds a fresh client; the old one is disposed once no read
    /// uses it any more.
    /// </summary>
    public async Task<IReadOnlyList<PartitionOffsets>> ReadAsync(string group, IReadOnlyList<string> topics, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lease = Acquire();
        try
        {
            return await ReadAsync(lease.Admin, group, topics, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Retire(lease);
            throw;
        }
        finally
        {
            Release(lease);
        }
    }

    private static async Task<IReadOnlyList<PartitionOffsets>> ReadAsync(IAdminClient admin, string group, IReadOnlyList<string> topics, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var partitions = await Task.Run(() => topics.SelectMany(t => Partitions(admin, t, timeout)).ToList(), cancellationToken).ConfigureAwait(false);
        if (partitions.Count == 0)
        {
            return [];
        }

        var committedTask = admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, partitions)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout });
        var latestTask = admin.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }),
            new ListOffsetsOptions { RequestTimeout = timeout });
        var both = Task.WhenAll(committedTask, latestTask);
        // A request abandoned here still completes (or fails when its client is disposed): observe it, nobody else will.
        _ = both.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await both.WaitAsync(cancellationToken).ConfigureAwait(false);

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

    private Lease Acquire()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _current ??= new Lease(new AdminClientBuilder(_config()).Build());
            _current.Users++;
            return _current;
        }
    }

    private void Retire(Lease lease)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, lease))
            {
                _current = null;
            }

            lease.Retired = true;
        }
    }

    private void Release(Lease lease)
    {
        bool dispose;
        lock (_gate)
        {
            lease.Users--;
            dispose = lease.Retired && lease.Users == 0 && !lease.Disposed;
            lease.Disposed |= dispose;
        }

        if (dispose)
        {
            // librdkafka's destroy waits for the client's threads: not on the poll's path.
            _ = Task.Run(lease.Admin.Dispose);
        }
    }

    private sealed class Lease(IAdminClient admin)
    {
        public IAdminClient Admin { get; } = admin;

        public int Users { get; set; }

        public bool Retired { get; set; }

        public bool Disposed { get; set; }
    }

    private static IEnumerable<TopicPartition> Partitions(IAdminClient admin, string topic, TimeSpan timeout)
    {
        var metadata = admin.GetMetadata(topic, timeout);
        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code != ErrorCode.NoError)
        {
            throw new KafkaException(found?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"topic {topic} not in metadata"));
        }

        return found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId));
    }

    public void Dispose()
    {
        Lease? current;
        lock (_gate)
        {
            _disposed = true;
            current = _current;
            _current = null;
            if (current is null || current.Disposed)
            {
                return;
            }

            current.Retired = true;
            if (current.Users > 0)
            {
                // The last read still using it disposes it.
                return;
            }

            current.Disposed = true;
        }

        current.Admin.Dispose();
    }
}

/// <summary>One partition as read now: its high watermark and the group's committed offset (null if the group never committed there).</summary>
internal sealed record PartitionOffsets(string Topic, int Partition, long HighWatermark, long? Committed);
