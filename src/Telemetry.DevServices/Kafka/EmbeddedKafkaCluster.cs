using System.Globalization;
using Confluent.Kafka;

namespace Telemetry.DevServices.Kafka;

/// <summary>
/// librdkafka's mock cluster, started in-process for <c>demo</c> when no brokers are configured. It speaks the real
/// Kafka protocol on loopback ports, so a foreign client (kcat) can join with <see cref="BootstrapServers"/>. It lives
/// as long as this object. Not a production broker: about 5 MiB kept per partition, no transactions, no Admin API
/// topic creation (topics are created through librdkafka's native mock API instead).
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly IProducer<byte[], byte[]> _owner;
    private readonly IntPtr _mcluster;

    public EmbeddedKafkaCluster(int brokers = 1)
    {
        var config = new ProducerConfig { ClientId = "embedded-kafka" };
        config.Set("test.mock.num.brokers", brokers.ToString(CultureInfo.InvariantCulture));
        _owner = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        _mcluster = MockClusterNative.ClusterOf(_owner);
        MockClusterNative.SetGroupInitialRebalanceDelay(_mcluster, 0);
        using var admin = new DependentAdminClientBuilder(_owner.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        this.BootstrapServers = string.Join(',', metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
    }

    public string BootstrapServers { get; }

    /// <summary>Creates a topic with exactly <paramref name="partitions"/> partitions.</summary>
    public void CreateTopic(string topic, int partitions) => MockClusterNative.CreateTopic(_mcluster, topic, partitions);

    public void Dispose() => _owner.Dispose();
}
