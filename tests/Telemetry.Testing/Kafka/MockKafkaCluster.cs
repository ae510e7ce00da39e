using System.Text;
using Confluent.Kafka;
using Telemetry.DevServices.Kafka;
using Xunit;

namespace Telemetry.Testing.Kafka;

/// <summary>
/// librdkafka's in-process mock cluster, reached over the real Kafka protocol on loopback ports.
/// Use it as a collection fixture (<c>ICollectionFixture&lt;MockKafkaCluster&gt;</c>, declared in the test project)
/// or create it directly with <see cref="Start"/>; give every test its own topic (<see cref="CreateTopic"/>) and group.
/// </summary>
/// <remarks>
/// Measured facts of the mock (librdkafka 2.16) this fixture works around: no controller, so Admin CreateTopics
/// fails, and auto-created topics always get 4 partitions (topics are created natively here instead); ports change
/// at every start (the bootstrap list is read from the owning client's metadata); about 5 MiB kept per partition;
/// the first group join waits 3 s (the native rebalance delay is set to 0); <c>ListConsumerGroups</c> crashes the process.
/// The cluster lives exactly as long as the owning producer.
/// </remarks>
public sealed class MockKafkaCluster : IAsyncLifetime, IDisposable
{
    /// <summary>Session timeout for test consumers: the mock's classic rebalance waits about this minus one second.</summary>
    public const int FastSessionTimeoutMs = 2500;

    private readonly IProducer<byte[], byte[]> _owner;
    private readonly IntPtr _mcluster;
    private int _disposed;

    public MockKafkaCluster()
        : this(brokerCount: 3)
    {
    }

    private MockKafkaCluster(int brokerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        var config = new ProducerConfig
        {
            ClientId = "mock-cluster-owner",
            // The mock cluster is created by, and lives inside, this client.
            BootstrapServers = string.Empty,
        };
        config.Set("test.mock.num.brokers", brokerCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _owner = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .Build();

        _mcluster = MockClusterNative.ClusterOf(_owner);
        MockClusterNative.SetGroupInitialRebalanceDelay(_mcluster, 0);

        using var admin = new DependentAdminClientBuilder(_owner.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        if (metadata.Brokers.Count != brokerCount)
        {
            throw new InvalidOperationException(
                $"The mock cluster reports {metadata.Brokers.Count} brokers, expected {brokerCount}.");
        }

        this.BrokerIds = metadata.Brokers.Select(b => b.BrokerId).Order().ToArray();
        this.BootstrapServers = string.Join(',', metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
        if (this.BootstrapServers.Length == 0)
        {
            throw new InvalidOperationException("The mock cluster started without any broker address.");
        }
    }

    /// <summary>Comma-separated <c>host:port</c> list of the mock brokers (loopback, new ports at every start).</summary>
    public string BootstrapServers { get; }

    public IReadOnlyList<int> BrokerIds { get; }

    /// <summary>The librdkafka file whose mock cluster this is (diagnostics for a failing run).</summary>
    public static string LibraryPath => MockClusterNative.LibraryPath;

    public static MockKafkaCluster Start(int brokerCount = 3) => new(brokerCount);

    /// <summary>A name no other test in this run uses (topics, groups, client ids).</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Creates a topic with a unique name and the given partition count, and returns its name.</summary>
    public string CreateTopic(string prefix = "t", int partitions = 4)
    {
        var name = UniqueName(prefix);
        this.CreateNamedTopic(name, partitions);
        return name;
    }

    /// <summary>Creates the named topic with exactly <paramref name="partitions"/> partitions (the Admin API cannot, on the mock).</summary>
    public void CreateNamedTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        this.ThrowIfDisposed();
        MockClusterNative.CreateTopic(_mcluster, name, partitions);
    }

    /// <summary>
    /// Makes the next <paramref name="errors"/>.Length requests of kind <paramref name="apiKey"/>, on any broker,
    /// fail with these errors in order (librdkafka's retriable/fatal handling then applies as with a real broker).
    /// </summary>
    public void PushRequestErrors(MockApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        this.ThrowIfDisposed();
        MockClusterNative.PushRequestErrors(_mcluster, (short)apiKey, errors);
    }

    public void ClearRequestErrors(MockApiKey apiKey)
    {
        this.ThrowIfDisposed();
        MockClusterNative.ClearRequestErrors(_mcluster, (short)apiKey);
    }

    /// <summary>Makes every request on the topic fail with <paramref name="error"/> (<see cref="ErrorCode.NoError"/> clears it).</summary>
    public void SetTopicError(string topic, ErrorCode error)
    {
        this.ThrowIfDisposed();
        MockClusterNative.SetTopicError(_mcluster, topic, error);
    }

    /// <summary>Disconnects the broker's clients and refuses new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId)
    {
        this.ThrowIfDisposed();
        MockClusterNative.SetBrokerDown(_mcluster, brokerId);
    }

    public void SetBrokerUp(int brokerId)
    {
        this.ThrowIfDisposed();
        MockClusterNative.SetBrokerUp(_mcluster, brokerId);
    }

    /// <summary>Producer settings for this cluster (acks=all, idempotence off so error injection stays simple).</summary>
    public ProducerConfig ProducerConfig(string? clientId = null) => new()
    {
        BootstrapServers = this.BootstrapServers,
        ClientId = clientId ?? UniqueName("producer"),
        Acks = Acks.All,
        LingerMs = 5,
    };

    /// <summary>
    /// Consumer settings for a group on this cluster, tuned so rebalances take about two seconds instead of the defaults' tens:
    /// short session timeout and heartbeats, manual commits, earliest reset.
    /// </summary>
    public ConsumerConfig ConsumerConfig(string groupId, string? clientId = null) => new()
    {
        BootstrapServers = this.BootstrapServers,
        GroupId = groupId,
        ClientId = clientId ?? UniqueName("consumer"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        SessionTimeoutMs = FastSessionTimeoutMs,
        HeartbeatIntervalMs = 250,
        MaxPollIntervalMs = 60_000,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    /// <summary>Produces the values (null keys unless given) and waits for every delivery report.</summary>
    public async Task ProduceAsync(string topic, IEnumerable<Message<byte[], byte[]>> messages, int? partition = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var producer = new ProducerBuilder<byte[], byte[]>(this.ProducerConfig()).Build();
        var pending = new List<Task<DeliveryResult<byte[], byte[]>>>();
        foreach (var message in messages)
        {
            pending.Add(partition is { } p
                ? producer.ProduceAsync(new TopicPartition(topic, new Partition(p)), message)
                : producer.ProduceAsync(topic, message));
        }

        await Task.WhenAll(pending);
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>Produces UTF-8 string values round-robin over no particular partition.</summary>
    public Task ProduceAsync(string topic, IEnumerable<string> values, int? partition = null) =>
        this.ProduceAsync(topic, values.Select(v => new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(v) }), partition);

    /// <summary>Every record of every partition of the topic, from the earliest offset to the current end, without joining a group.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> ReadAll(string topic, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(this.ConsumerConfig(UniqueName("reader"))).Build();
        var partitions = this.PartitionsOf(topic);
        var ends = new Dictionary<int, long>();
        foreach (var p in partitions)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            if (w.High.Value > w.Low.Value)
            {
                ends[p] = w.High.Value;
            }
        }

        var results = new List<ConsumeResult<byte[], byte[]>>();
        if (ends.Count == 0)
        {
            return results;
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (ends.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Reading topic '{topic}' did not reach its end offsets in time.");
            }

            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null || r.IsPartitionEOF)
            {
                continue;
            }

            results.Add(r);
            if (ends.TryGetValue(r.Partition.Value, out var end) && r.Offset.Value + 1 >= end)
            {
                ends.Remove(r.Partition.Value);
            }
        }

        consumer.Close();
        return results;
    }

    /// <summary>The partition ids of a topic, from metadata.</summary>
    public IReadOnlyList<int> PartitionsOf(string topic)
    {
        this.ThrowIfDisposed();
        using var admin = new DependentAdminClientBuilder(_owner.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var t = metadata.Topics.Single(x => x.Topic == topic);
        if (t.Error.IsError)
        {
            throw new InvalidOperationException($"Metadata for topic '{topic}' failed: {t.Error}.");
        }

        return t.Partitions.Select(p => p.PartitionId).Order().ToArray();
    }

    /// <summary>Committed offsets of a group for a topic, per partition (<see cref="Offset.Unset"/> as -1001 where nothing is committed).</summary>
    public IReadOnlyDictionary<int, long> CommittedOffsets(string groupId, string topic)
    {
        // A consumer that never subscribes does not join the group: OffsetFetch only.
        using var consumer = new ConsumerBuilder<byte[], byte[]>(this.ConsumerConfig(groupId)).Build();
        var partitions = this.PartitionsOf(topic).Select(p => new TopicPartition(topic, p)).ToList();
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10));
        consumer.Close();
        return committed.ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
    }

    /// <summary>The high watermark (next offset to be written) of every partition of a topic.</summary>
    public IReadOnlyDictionary<int, long> EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(this.ConsumerConfig(UniqueName("watermarks"))).Build();
        return this.PartitionsOf(topic).ToDictionary(
            p => p,
            p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        this.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
