using Confluent.Kafka;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;

namespace Telemetry.Pollers.Tests.WorkerPools;

/// <summary>The derived Snakepit events take the ingested events' path: Kafka topic, then the core's decoder and aggregation.</summary>
[Collection(WorkerPoolCollection.Name)]
public sealed class WorkerPoolKafkaPathTests(AzuriteFixture azurite, MockKafkaCluster kafka)
{
    [Fact]
    public async Task Derived_events_are_published_to_the_telemetry_topic_and_aggregate_like_ingested_ones()
    {
        var topic = kafka.CreateTopic("telemetry", partitions: 1);
        await using var endpoint = await PoolEndpoint.StartAsync();
        await using var host = PollerHost.Create(azurite, new Dictionary<string, string?>
        {
            ["Pollers:WorkerPoolEndpoints"] = endpoint.Url.ToString(),
            ["Pollers:TelemetryTopic"] = topic,
            ["Pollers:TimeoutSeconds"] = "2",
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
        });
        var poller = host.Poller(PollerNames.WorkerPool);

        endpoint.ServeJson(PoolDocument.Json("hpc_pool", 0, 8, ("w1", "idle", 300, 10)));
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        endpoint.ServeJson(PoolDocument.Json("hpc_pool", 5, 8, ("w1", "busy", 2, 0)));
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        endpoint.Respond = context => { context.Response.StatusCode = 500; return Task.CompletedTask; };
        Assert.Equal(1, (await poller.PollAsync(CancellationToken.None)).Failed);

        // saturated + recycled + started, then health_check_failed.
        var records = Consume(topic, expected: 4);

        var processor = new PartitionDecoder(topic, 0, new IngestionOptions { UnknownEvents = UnknownEventPolicy.Reject });
        var batch = processor.Decode(records);
        Assert.All(batch.Outcomes, o => Assert.False(o.IsMalformed, $"offset {o.Offset}: {o.ErrorKind} {o.Message}"));
        var aggregates = batch.Finalise(-1, records[^1].Offset);

        double Count(string metric) => aggregates.Aggregates.Where(a => a.Series.Name == metric).Sum(a => (double)a.Distribution.Count);
        Assert.Equal(1, Count("snakepit.worker.recycled.count"));
        Assert.Equal(1, Count("snakepit.worker.started.count"));
        Assert.Equal(1, Count("snakepit.pool.saturated.count"));
        Assert.Equal(1, Count("snakepit.worker.health_check_failed.count"));
        Assert.All(aggregates.Aggregates, a => Assert.Equal("hpc_pool", a.Series["pool"]));
        var failed = Assert.Single(aggregates.NotableEvents, n => n.Kind == NotableEventKind.HealthCheckFailed);
        Assert.Equal("http_500", failed.Reason);
    }

    private List<ConsumedRecord> Consume(string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = MockKafkaCluster.UniqueName("reader"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumedRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } m)
            {
                records.Add(new ConsumedRecord(topic, 0, result.Offset.Value, m.Key ?? [], m.Value, ConsumedRecord.NoHeaders, m.Timestamp.UtcDateTime));
            }
        }

        Assert.Equal(expected, records.Count);
        return records;
    }
}
