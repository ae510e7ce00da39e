using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Telemetry.Kafka.Embedded;

/// <summary>
/// librdkafka's mock cluster, started in-process for <c>demo</c> when no brokers are configured. It speaks the real
/// Kafka protocol on loopback ports, so a foreign client (kcat) can join with <see cref="BootstrapServers"/>. It lives
/// as long as this object. Not a production broker: about 5 MiB kept per partition, no transactions, no Admin API
/// topic creation (topics are created through librdkafka's native mock API instead).
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly IProducer<byte[], byte[]> owner;
    private readonly IntPtr mcluster;

    public EmbeddedKafkaCluster(int brokers = 1)
    {
        var config = new ProducerConfig { ClientId = "embedded-kafka" };
        config.Set("test.mock.num.brokers", brokers.ToString(CultureInfo.InvariantCulture));
        this.owner = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        this.mcluster = Native.HandleMockCluster(RawHandle(this.owner));
        if (this.mcluster == IntPtr.Zero)
        {
            throw new InvalidOperationException("librdkafka did not create a mock cluster.");
        }

        Native.GroupInitialRebalanceDelayMs(this.mcluster, 0);
        using var admin = new DependentAdminClientBuilder(this.owner.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        this.BootstrapServers = string.Join(',', metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
    }

    public string BootstrapServers { get; }

    /// <summary>Creates a topic with exactly <paramref name="partitions"/> partitions.</summary>
    public void CreateTopic(string topic, int partitions)
    {
        var err = (ErrorCode)Native.TopicCreate(this.mcluster, topic, partitions, 1);
        if (err != ErrorCode.NoError)
        {
            throw new InvalidOperationException($"Creating topic '{topic}' on the embedded cluster failed: {err}.");
        }
    }

    public void Dispose() => this.owner.Dispose();

    private static IntPtr RawHandle(IClient client)
    {
        var property = client.Handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException("This Confluent.Kafka version hides its librdkafka handle; the embedded cluster cannot create topics.");
        return ((SafeHandle)property.GetValue(client.Handle)!).DangerousGetHandle();
    }

    /// <summary>The few <c>rd_kafka_mock_*</c> functions the demo needs, bound to the librdkafka file Confluent.Kafka loaded.</summary>
    private static class Native
    {
        private static readonly IntPtr Library = Load();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr HandleMockClusterFn(IntPtr rk);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int TopicCreateFn(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void DelayFn(IntPtr mcluster, int delayMs);

        public static IntPtr HandleMockCluster(IntPtr rk) => Get<HandleMockClusterFn>("rd_kafka_handle_mock_cluster")(rk);

        public static int TopicCreate(IntPtr mcluster, string topic, int partitions, int replicationFactor) =>
            Get<TopicCreateFn>("rd_kafka_mock_topic_create")(mcluster, topic, partitions, replicationFactor);

        public static void GroupInitialRebalanceDelayMs(IntPtr mcluster, int delayMs) =>
            Get<DelayFn>("rd_kafka_mock_group_initial_rebalance_delay_ms")(mcluster, delayMs);

        private static T Get<T>(string name)
            where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(Library, name));

        private static IntPtr Load()
        {
            _ = Confluent.Kafka.Library.Version;
            const string Maps = "/proc/self/maps";
            if (File.Exists(Maps))
            {
                foreach (var line in File.ReadLines(Maps))
                {
                    var slash = line.IndexOf('/', StringComparison.Ordinal);
                    if (slash >= 0 && Path.GetFileName(line[slash..].Trim()) is var file && file.Contains("librdkafka", StringComparison.Ordinal) && file.Contains(".so", StringComparison.Ordinal))
                    {
                        return NativeLibrary.Load(line[slash..].Trim());
                    }
                }
            }

            throw new InvalidOperationException("Could not find the librdkafka library Confluent.Kafka loaded; the embedded cluster needs Linux (/proc/self/maps).");
        }
    }
}
