using System.Text;
using Confluent.Kafka;
using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Kafka.Tests.Testing;

[Collection(KafkaCollection.Name)]
public sealed class MockKafkaClusterTests(MockKafkaCluster cluster)
{
    [Fact]
    public void Bootstrap_addresses_are_loopback_ports_discovered_at_runtime()
    {
        var servers = cluster.BootstrapServers.Split(',');
        Assert.Equal(cluster.BrokerIds.Count, servers.Length);
        Assert.All(servers, s => Assert.Matches(@"^(localhost|127\.0\.0\.1):\d+$", s));
        Assert.Contains("librdkafka", MockKafkaCluster.LibraryPath, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTopic_creates_the_requested_partition_count()
    {
        var topic = cluster.CreateTopic("partitions", partitions: 17);
        Assert.Equal(Enumerable.Range(0, 17), cluster.PartitionsOf(topic));
    }

    [Fact]
    public async Task Produced_records_are_read_back_with_their_bytes_and_committed_offsets_are_visible()
    {
        var topic = cluster.CreateTopic("roundtrip", partitions: 2);
        await cluster.ProduceAsync(topic, ["a", "b", "c"], partition: 1);

        var read = cluster.ReadAll(topic);
        Assert.Equal(["a", "b", "c"], read.Select(r => Encoding.UTF8.GetString(r.Message.Value)));
        Assert.All(read, r => Assert.Equal(1, r.Partition.Value));

        var group = MockKafkaCluster.UniqueName("group");
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(cluster.ConsumerConfig(group)).Build())
        {
            consumer.Commit([new TopicPartitionOffset(topic, 1, 2)]);
        }

        var committed = cluster.CommittedOffsets(group, topic);
        Assert.Equal(2, committed[1]);
        Assert.Equal(Offset.Unset.Value, committed[0]);
        Assert.Equal(3, cluster.EndOffsets(topic)[1]);
    }

    [Fact]
    public async Task Pushed_request_errors_fail_the_next_produce_requests()
    {
        var topic = cluster.CreateTopic("errors", partitions: 1);
        var config = cluster.ProducerConfig();
        config.MessageSendMaxRetries = 0;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = [1] });

        cluster.PushRequestErrors(MockApiKey.Produce, ErrorCode.NotEnoughReplicas);
        var ex = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(
            () => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = [2] }));
        Assert.Equal(ErrorCode.NotEnoughReplicas, ex.Error.Code);

        await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = [3] });
        Assert.Equal([[1], [3]], cluster.ReadAll(topic).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_broker_set_down_and_up_again_serves_again()
    {
        using var local = MockKafkaCluster.Start(brokerCount: 1);
        var topic = local.CreateTopic("down", partitions: 1);
        local.SetBrokerDown(local.BrokerIds[0]);
        var config = local.ProducerConfig();
        config.MessageTimeoutMs = 1500;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(
            () => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = [1] }));

        local.SetBrokerUp(local.BrokerIds[0]);
        config.MessageTimeoutMs = 10_000;
        using var again = new ProducerBuilder<byte[], byte[]>(config).Build();
        await again.ProduceAsync(topic, new Message<byte[], byte[]> { Value = [2] });
        Assert.Equal([[2]], local.ReadAll(topic).Select(r => r.Message.Value));
    }
}
