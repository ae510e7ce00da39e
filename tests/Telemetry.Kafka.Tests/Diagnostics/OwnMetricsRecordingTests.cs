using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Replay;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Kafka.Tests.Pipeline;
using Telemetry.Kafka.Triggered;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Metrics;
using Xunit;
using static Telemetry.Kafka.Tests.Pipeline.PipelineHarness;

namespace Telemetry.Kafka.Tests.Diagnostics;

/// <summary>
/// Every seed-001 instrument is recorded by production code, read back through a real MeterProvider and the in-memory
/// exporter: the standalone consume loop and pipeline, the Functions trigger's processor, the dead-letter producer and
/// the replay, against the mock cluster.
/// </summary>
[Collection(OwnMeterKafkaCollection.Name)]
public sealed class OwnMetricsRecordingTests(MockKafkaCluster cluster)
{
    [Fact]
    public async Task The_standalone_pipeline_records_handler_publish_rebalance_and_connection_metrics()
    {
        using var export = new OwnMetricsExport();
        var telemetry = new OwnTelemetry();
        var topic = cluster.CreateTopic("own-standalone", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        await ProduceAsync(cluster, topic, 10, i => i == 4 ? "not json"u8.ToArray() : null);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.AckStrategy = "best_effort";
        options.BatchSize = 10;
        options.BatchTimeoutMs = 2000;
        var sink = new RecordingSink();
        var pipeline = Create(options, new FailingHandler(), sink, out var dlq, telemetry: telemetry);
        using var _ = dlq;

        await using (var consumer = RunningConsumer.Start(options, pipeline, telemetry, c => c.StatisticsIntervalMs = 100))
        {
            await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == 9), "the batch settled");
            var connected = await EventuallyPoint(export, OwnMetricCatalog.ConnectionsActive, p => p.Tag("messaging.kafka.consumer_group") == options.ConsumerGroup);
            Assert.Equal(1, connected.Value);
            await consumer.StopAsync();
        }

        var points = export.Collect();
        Assert.Equal(9, Single(points, OwnMetricCatalog.HandlerInvocations, "handler.name", PipelineHandler.Name).Value);
        var error = Single(points, OwnMetricCatalog.HandlerErrors, "handler.name", PipelineHandler.Name);
        Assert.Equal((1d, "not_json"), (error.Value, error.Tag("error.type")));
        Assert.True(Single(points, OwnMetricCatalog.HandlerDuration, "handler.name", PipelineHandler.Name).Count >= 1);
        Assert.Equal(1, Single(points, OwnMetricCatalog.KafeeBatchStarted, "messaging.destination", topic).Value);

        // The dead letter is our publish: one message, one batch of one, with its time, on the dead-letter topic.
        var published = Single(points, OwnMetricCatalog.MessagesPublished, "messaging.destination", topic + ".dlq");
        Assert.Equal((1d, DeadLetterProducer.EventType, "kafka"), (published.Value, published.Tag("event.type"), published.Tag("messaging.system")));
        Assert.Equal(1, Single(points, OwnMetricCatalog.PublishDuration, "messaging.destination", topic + ".dlq").Count);
        var batchSize = Assert.Single(points, p => p.Name == OwnMetricCatalog.BatchSize);
        Assert.Equal((1L, 1d), (batchSize.Count, batchSize.Value));
        Assert.Equal(1, Single(points, OwnMetricCatalog.Rebalances, "messaging.kafka.consumer_group", options.ConsumerGroup).Value);

        // A stopped consumer is not a disconnected one: its series goes with it.
        Assert.DoesNotContain(points, p => p.Name == OwnMetricCatalog.ConnectionsActive && p.Tag("messaging.kafka.consumer_group") == options.ConsumerGroup);
    }

    [Fact]
    public async Task Losing_every_broker_reads_disconnected_with_connection_errors_and_coming_back_counts_reconnections()
    {
        using var own = MockKafkaCluster.Start(brokerCount: 1);
        using var export = new OwnMetricsExport();
        var telemetry = new OwnTelemetry();
        var topic = own.CreateTopic("own-down", partitions: 1);
        await ProduceAsync(own, topic, 3);
        var options = RunningConsumer.OptionsFor(own, topic, MockKafkaCluster.UniqueName("g"));
        var processor = new RecordingProcessor();
        Func<OwnPoint, bool> ours = p => p.Tag("messaging.kafka.consumer_group") == options.ConsumerGroup;

        await using var consumer = RunningConsumer.Start(options, processor, telemetry, c =>
        {
            c.StatisticsIntervalMs = 100;
            c.ReconnectBackoffMs = 50;
            c.ReconnectBackoffMaxMs = 200;
        });
        await Eventually.TrueAsync(() => processor.ProcessedCount >= 3, "the records were processed");
        Assert.Equal(1, (await EventuallyPoint(export, OwnMetricCatalog.ConnectionsActive, ours)).Value);

        own.SetBrokerDown(own.BrokerIds[0]);
        await EventuallyPoint(export, OwnMetricCatalog.ConnectionsActive, p => ours(p) && p.Value == 0);
        Assert.Contains(export.Of(OwnMetricCatalog.ConnectionErrors), p => p.Value > 0 && p.Tag("error.type") is { Length: > 0 });

        own.SetBrokerUp(own.BrokerIds[0]);
        await EventuallyPoint(export, OwnMetricCatalog.ConnectionsActive, p => ours(p) && p.Value == 1);
        await EventuallyPoint(export, OwnMetricCatalog.Reconnections, p => p.Value > 0);
        await consumer.StopAsync();
    }

    [Fact]
    public async Task The_functions_trigger_processor_records_batch_started_and_the_handler_metrics()
    {
        using var export = new OwnMetricsExport();
        var telemetry = new OwnTelemetry();
        var topic = cluster.CreateTopic("own-trigger", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.AckStrategy = "best_effort";
        using var dlq = new DeadLetterProducer(Options.Create(options), NullLogger<DeadLetterProducer>.Instance, telemetry: telemetry);
        using var committed = new GroupCommittedOffsets(Options.Create(options));
        var processor = new FunctionsBatchProcessor(
            Options.Create(options), Options.Create(new IngestionOptions()), [new RecordingSink()], dlq, DecodingRecordHandler.Instance, committed, telemetry,
            NullLogger<FunctionsBatchProcessor>.Instance);
        var records = Enumerable.Range(0, 5)
            .Select(i => new ConsumedRecord(topic, 0, i, Encoding.UTF8.GetBytes($"k{i}"), i == 2 ? "not json"u8.ToArray() : Valid(i), ConsumedRecord.NoHeaders, Now.AddMilliseconds(i)))
            .ToArray();

        await processor.ProcessAsync(records, attempt: 0, CancellationToken.None);

        var points = export.Collect();
        Assert.Equal(1, Single(points, OwnMetricCatalog.KafeeBatchStarted, "messaging.destination", topic).Value);
        Assert.Equal(4, Single(points, OwnMetricCatalog.HandlerInvocations, "handler.name", PipelineHandler.Name).Value);
        Assert.Equal("not_json", Single(points, OwnMetricCatalog.HandlerErrors, "handler.name", PipelineHandler.Name).Tag("error.type"));
        Assert.Equal(1, Single(points, OwnMetricCatalog.HandlerDuration, "handler.name", PipelineHandler.Name).Count);
        Assert.Equal(1, Single(points, OwnMetricCatalog.MessagesPublished, "messaging.destination", topic + ".dlq").Value);
    }

    [Fact]
    public async Task A_dead_letter_the_broker_refuses_is_a_publish_error_and_a_replay_is_a_publish()
    {
        using var export = new OwnMetricsExport();
        var telemetry = new OwnTelemetry();
        var topic = cluster.CreateTopic("own-replay", partitions: 1);
        var dlqTopic = topic + ".dlq";
        cluster.CreateNamedTopic(dlqTopic, 1);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        using var dlq = new DeadLetterProducer(Options.Create(options), NullLogger<DeadLetterProducer>.Instance, telemetry: telemetry);

        // The refused write gets its own producer that gives up after a second rather than librdkafka's usual 30 s; the
        // delivered one keeps the default, since a loaded machine can take over a second to reach a new broker.
        var refusingOptions = RunningConsumer.OptionsFor(cluster, topic, options.ConsumerGroup);
        refusingOptions.DeadLetterTimeoutMs = 1000;
        using var refusing = new DeadLetterProducer(Options.Create(refusingOptions), NullLogger<DeadLetterProducer>.Instance, telemetry: telemetry);
        var record = new ConsumedRecord(topic, 0, 7, "k"u8.ToArray(), "not json"u8.ToArray(), ConsumedRecord.NoHeaders, Now);
        var letter = new Telemetry.Domain.Acknowledgement.DeadLetter(record, Telemetry.Domain.Acknowledgement.DeadLetterReason.Malformed, "not_json", "not json", 0);

        // Delivered, then replayed to the original topic.
        Assert.Null((await dlq.PublishAsync([letter], options.ConsumerGroup, CancellationToken.None)).Failure);
        var replayer = new DeadLetterReplayer(Options.Create(options), NullLogger<DeadLetterReplayer>.Instance, telemetry);
        var report = await replayer.ReplayAsync(new ReplayRequest(dlqTopic), CancellationToken.None);
        Assert.Equal(1, report.Replayed);

        // Refused: every produce request fails until the delivery times out (this collection's own cluster).
        cluster.PushRequestErrors(MockApiKey.Produce, Enumerable.Repeat(Confluent.Kafka.ErrorCode.TopicAuthorizationFailed, 200).ToArray());
        try
        {
            Assert.NotNull((await refusing.PublishAsync([letter], options.ConsumerGroup, CancellationToken.None)).Failure);
        }
        finally
        {
            cluster.ClearRequestErrors(MockApiKey.Produce);
        }

        var points = export.Collect();
        Assert.Equal(1, Single(points, OwnMetricCatalog.MessagesPublished, "messaging.destination", dlqTopic).Value);
        var replayed = Single(points, OwnMetricCatalog.MessagesPublished, "messaging.destination", topic);
        Assert.Equal((1d, DeadLetterReplayer.EventType), (replayed.Value, replayed.Tag("event.type")));
        var refused = Single(points, OwnMetricCatalog.PublishErrors, "messaging.destination", dlqTopic);
        Assert.Equal((1d, DeadLetterProducer.EventType), (refused.Value, refused.Tag("event.type")));
        Assert.False(string.IsNullOrEmpty(refused.Tag("error.type")));
    }

    private static OwnPoint Single(IReadOnlyList<OwnPoint> points, string name, string key, string value) =>
        Assert.Single(points, p => p.Name == name && p.Tag(key) == value);

    private static async Task<OwnPoint> EventuallyPoint(OwnMetricsExport export, string name, Func<OwnPoint, bool> match)
    {
        OwnPoint? found = null;
        await Eventually.TrueAsync(() => (found = export.Of(name).FirstOrDefault(match)) is not null, $"a {name} point as expected");
        return found!;
    }
}
