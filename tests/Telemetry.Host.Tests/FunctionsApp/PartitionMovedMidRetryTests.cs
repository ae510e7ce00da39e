using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Triggered;
using Telemetry.Ledger.Queries;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Telemetry.Host.Tests.Commands;
using Xunit;

namespace Telemetry.Host.Tests.FunctionsApp;

/// <summary>
/// The same batch run by two instances of the Functions app, as happens when a consumer leaves the group in the
/// middle of an in-place retry (extension 4.3.x stops polling while it retries; host.json's maxPollIntervalMs only
/// covers one run of the retry policy) and another instance takes the partition. Each instance is the app's own
/// container (<c>AddTelemetryFunctionsApp</c>, as Program.cs builds it) over the mock cluster and Azurite; the
/// records are handed over as the trigger does (keys as bytes, timestamp type NotAvailable with the milliseconds).
/// Whichever instance finishes first, the ledger counts every event once and the DLQ holds each dead letter once.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PartitionMovedMidRetryTests(AzuriteFixture azurite, MockKafkaCluster cluster) : IClassFixture<AzuriteFixture>, IClassFixture<MockKafkaCluster>
{
    private const int MalformedOffset = 4;
    private const int FailingOffset = 2;
    private static readonly byte[] MalformedKey = [0x00, 0xFF, 0xC3, 0x28];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryEventIsCountedOnce_AndEachDeadLetterWrittenOnce_WhicheverInstanceFinishesFirst(bool newOwnerFinishesFirst)
    {
        var topic = cluster.CreateTopic("moved", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var now = DateTimeOffset.UtcNow;
        await cluster.ProduceAsync(topic, Enumerable.Range(0, 6).Select(i => new Message<byte[], byte[]>
        {
            Key = i == MalformedOffset ? MalformedKey : Encoding.UTF8.GetBytes($"k{i}"),
            Value = i == MalformedOffset ? "not json"u8.ToArray() : Encoding.UTF8.GetBytes(TelemetrySampleGenerator.Example("event_pipeline.event.execution", now.AddMilliseconds(i))),
            Timestamp = new Timestamp(now.AddMilliseconds(i)),
        }), partition: 0);
        var batch = AsTriggerDelivers(cluster.ReadAll(topic));
        var settings = Settings(topic, MockKafkaCluster.UniqueName("group"), AzuriteFixture.NewTablePrefix());

        // Both instances meet the same outage: offset 2 fails transiently on each one's first attempt.
        using var stale = BuildApp(settings, new TransientFailure(FailingOffset));
        using var owner = BuildApp(settings, new TransientFailure(FailingOffset));
        var staleProcessor = stale.Services.GetRequiredService<FunctionsBatchProcessor>();
        var ownerProcessor = owner.Services.GetRequiredService<FunctionsBatchProcessor>();

        // The stale instance's first attempt fails (best_effort counts the prefix 0..1), and its consumer leaves the group.
        await Assert.ThrowsAsync<TriggeredBatchRedeliveryException>(() => staleProcessor.ProcessAsync(batch, 0, CancellationToken.None));

        if (newOwnerFinishesFirst)
        {
            await Assert.ThrowsAsync<TriggeredBatchRedeliveryException>(() => ownerProcessor.ProcessAsync(batch, 0, CancellationToken.None));
            await ownerProcessor.ProcessAsync(batch, 1, CancellationToken.None);
            await staleProcessor.ProcessAsync(batch, 1, CancellationToken.None);
        }
        else
        {
            await Assert.ThrowsAsync<TriggeredBatchRedeliveryException>(() => ownerProcessor.ProcessAsync(batch, 0, CancellationToken.None));
            await staleProcessor.ProcessAsync(batch, 1, CancellationToken.None);
            await ownerProcessor.ProcessAsync(batch, 1, CancellationToken.None);
        }

        var deadLetter = Assert.Single(cluster.ReadAll(topic + ".dlq"));
        Assert.Equal(MalformedKey, deadLetter.Message.Key);
        Assert.Equal(
            (now.ToUnixTimeMilliseconds() + MalformedOffset).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("x-original-timestamp")));

        var queries = owner.Services.GetRequiredService<LedgerQueries>();
        var minutes = await queries.ReadMinuteAggregatesAsync(now.AddMinutes(-2), now.AddMinutes(2), null, CancellationToken.None);
        var counted = minutes.Where(m => m.Series.Name.EndsWith(".count", StringComparison.Ordinal)).Sum(m => m.Distribution.Sum);
        Assert.Equal(5, counted);
    }

    /// <summary>The records as the trigger hands them to the function with <c>KeyDataType = Binary</c> (see Telemetry.Kafka.Tests' ExtensionTransport).</summary>
    private static ConsumedRecord[] AsTriggerDelivers(IReadOnlyList<ConsumeResult<byte[], byte[]>> consumed) =>
        [.. consumed.Select(r => TriggerRecordMapper.Map(
            r.Topic,
            r.Partition.Value,
            r.Offset.Value,
            r.Message.Key,
            r.Message.Value,
            r.Message.Timestamp.UnixTimestampMs,
            TimestampType.NotAvailable,
            r.Message.Headers?.Select(h => (h.Key, (byte[]?)h.GetValueBytes())).ToArray()))];

    private Dictionary<string, string> Settings(string topic, string group, string tablePrefix)
    {
        var settings = RepositoryFiles.SampleSettings().ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        settings["Kafka:BootstrapServers"] = cluster.BootstrapServers;
        settings["Kafka:Topics"] = topic;
        settings["Kafka:DeadLetterTopic"] = topic + ".dlq";
        settings["Kafka:ConsumerGroup"] = group;
        settings["Kafka:AckStrategy"] = "best_effort";
        settings["Ledger:ConnectionString"] = azurite.ConnectionString;
        settings["Ledger:TablePrefix"] = tablePrefix;
        return settings;
    }

    /// <summary>One instance of the app: its own container, clients and processor, as on its own worker.</summary>
    private static IHost BuildApp(IReadOnlyDictionary<string, string> settings, IRecordHandler handler)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.Services.AddSingleton(handler);
        builder.Services.AddTelemetryFunctionsApp(builder.Configuration);
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return host;
    }

    /// <summary>Decorates the app's decoding handler: the given offset fails transiently on the first attempt only.</summary>
    private sealed class TransientFailure(long offset) : IRecordHandler
    {
        public MessageOutcome Handle(ConsumedRecord record, RecordOutcome decoded, int attempt) =>
            record.Offset == offset && attempt == 0
                ? MessageOutcome.Failed("DependencyDown", "injected: a dependency is unreachable")
                : DecodingRecordHandler.Instance.Handle(record, decoded, attempt);
    }
}
