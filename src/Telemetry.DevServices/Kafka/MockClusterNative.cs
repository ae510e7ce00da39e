using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Telemetry.DevServices.Kafka;

/// <summary>
/// librdkafka's <c>rd_kafka_mock_*</c> API (rdkafka_mock.h), bound to the very library file Confluent.Kafka loaded.
/// The mock cluster's topic creation, error injection and broker control exist only there: the mock has no
/// controller, so the Admin API cannot create topics with a chosen partition count. The one binding for the demo's
/// <see cref="EmbeddedKafkaCluster"/> and the tests' fixture, so both drive the same exports the same way.
/// </summary>
/// <remarks>
/// The binding resolves the loaded file from the process's memory map rather than guessing a runtimes folder:
/// on Debian 12 Confluent.Kafka picks <c>centos8-librdkafka.so</c>, elsewhere <c>librdkafka.so</c>, and a second
/// copy of librdkafka would not know the first copy's cluster.
/// </remarks>
internal static class MockClusterNative
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr HandleMockClusterFn(IntPtr rk);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int TopicCreateFn(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitionCount, int replicationFactor);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void TopicSetErrorFn(IntPtr mcluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int error);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void PushRequestErrorsArrayFn(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ClearRequestErrorsFn(IntPtr mcluster, short apiKey);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BrokerFn(IntPtr mcluster, int brokerId);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void GroupDelayFn(IntPtr mcluster, int delayMs);

    private static readonly Lazy<Api> Bound = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The full path of the librdkafka file this process uses.</summary>
    public static string LibraryPath => Bound.Value.Path;

    public static IntPtr ClusterOf(IClient owner)
    {
        var rk = RawHandle(owner);
        var mcluster = Bound.Value.HandleMockCluster(rk);
        if (mcluster == IntPtr.Zero)
        {
            throw new InvalidOperationException($"Client '{owner.Name}' owns no mock cluster (was test.mock.num.brokers set?).");
        }

        return mcluster;
    }

    public static void CreateTopic(IntPtr mcluster, string topic, int partitions)
    {
        var err = (ErrorCode)Bound.Value.TopicCreate(mcluster, topic, partitions, 1);
        if (err != ErrorCode.NoError)
        {
            throw new InvalidOperationException($"rd_kafka_mock_topic_create('{topic}', {partitions}) failed: {err}.");
        }
    }

    public static void SetTopicError(IntPtr mcluster, string topic, ErrorCode error) =>
        Bound.Value.TopicSetError(mcluster, topic, (int)error);

    /// <param name="apiKey">The Kafka protocol API key (e.g. 0 for Produce) whose next requests fail.</param>
    public static void PushRequestErrors(IntPtr mcluster, short apiKey, IReadOnlyList<ErrorCode> errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        Bound.Value.PushRequestErrorsArray(mcluster, apiKey, (UIntPtr)codes.Length, codes);
    }

    public static void ClearRequestErrors(IntPtr mcluster, short apiKey) =>
        Bound.Value.ClearRequestErrors(mcluster, apiKey);

    public static void SetBrokerDown(IntPtr mcluster, int brokerId) => Check(Bound.Value.BrokerSetDown(mcluster, brokerId), "rd_kafka_mock_broker_set_down");

    public static void SetBrokerUp(IntPtr mcluster, int brokerId) => Check(Bound.Value.BrokerSetUp(mcluster, brokerId), "rd_kafka_mock_broker_set_up");

    /// <summary>Sets the group coordinator's initial rebalance delay (the mock's default makes the first join wait 3 s).</summary>
    public static void SetGroupInitialRebalanceDelay(IntPtr mcluster, int delayMs) =>
        Bound.Value.GroupInitialRebalanceDelayMs(mcluster, delayMs);

    private static void Check(int err, string function)
    {
        if ((ErrorCode)err != ErrorCode.NoError)
        {
            throw new InvalidOperationException($"{function} failed: {(ErrorCode)err}.");
        }
    }

    /// <summary>The <c>rd_kafka_t*</c> behind a Confluent client; its <c>Handle.LibrdkafkaHandle</c> is internal.</summary>
    private static IntPtr RawHandle(IClient client)
    {
        var handle = client.Handle;
        var property = handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException("Confluent.Kafka.Handle has no LibrdkafkaHandle property; the mock-cluster binding needs updating for this Confluent.Kafka version.");
        var safeHandle = property.GetValue(handle) as SafeHandle
            ?? throw new InvalidOperationException("Confluent.Kafka.Handle.LibrdkafkaHandle is not a SafeHandle.");
        return safeHandle.DangerousGetHandle();
    }

    private static Api Bind()
    {
        // Force Confluent.Kafka to load its native library before looking for it.
        _ = Library.Version;
        var path = LoadedLibrdkafkaPath();
        var library = NativeLibrary.Load(path);
        T Export<T>(string name) where T : Delegate =>
            Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));

        return new Api(
            path,
            Export<HandleMockClusterFn>("rd_kafka_handle_mock_cluster"),
            Export<TopicCreateFn>("rd_kafka_mock_topic_create"),
            Export<TopicSetErrorFn>("rd_kafka_mock_topic_set_error"),
            Export<PushRequestErrorsArrayFn>("rd_kafka_mock_push_request_errors_array"),
            Export<ClearRequestErrorsFn>("rd_kafka_mock_clear_request_errors"),
            Export<BrokerFn>("rd_kafka_mock_broker_set_down"),
            Export<BrokerFn>("rd_kafka_mock_broker_set_up"),
            Export<GroupDelayFn>("rd_kafka_mock_group_initial_rebalance_delay_ms"));
    }

    private static string LoadedLibrdkafkaPath()
    {
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    continue;
                }

                var path = line[slash..].Trim();
                var file = System.IO.Path.GetFileName(path);
                if (file.Contains("librdkafka", StringComparison.Ordinal) && (file.EndsWith(".so", StringComparison.Ordinal) || file.Contains(".so.", StringComparison.Ordinal) || file.EndsWith(".dylib", StringComparison.Ordinal)))
                {
                    return path;
                }
            }
        }

        throw new InvalidOperationException(
            "Could not find the librdkafka library Confluent.Kafka loaded (looked in /proc/self/maps). The mock cluster's native API needs it.");
    }

    private sealed record Api(
        string Path,
        HandleMockClusterFn HandleMockCluster,
        TopicCreateFn TopicCreate,
        TopicSetErrorFn TopicSetError,
        PushRequestErrorsArrayFn PushRequestErrorsArray,
        ClearRequestErrorsFn ClearRequestErrors,
        BrokerFn BrokerSetDown,
        BrokerFn BrokerSetUp,
        GroupDelayFn GroupInitialRebalanceDelayMs);
}
