using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Host.Commands;
using Telemetry.Host.Tests.Commands;
using Telemetry.Ledger.Queries;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Ledger;
using Xunit;

namespace Telemetry.Host.Tests.Corpus;

/// <summary>
/// Issue 13's "done when": a foreign producer writes a corpus of every malformation mixed with valid events of all
/// five families; <c>run</c> (the real host, pipeline and ledger) consumes it into Azurite. Every malformed record
/// must be in the dead-letter topic with its documented reason, the lag must end at 0, and the ledger must equal a
/// ground truth computed here from the produced valid events alone.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class MalformedCorpusRunTests(AzuriteFixture azurite, MockKafkaCluster kafka) : IClassFixture<AzuriteFixture>, IClassFixture<MockKafkaCluster>
{
    private const int Partitions = 3;

    [Fact]
    public async Task Run_dead_letters_every_malformed_kind_with_its_reason_reaches_lag_zero_and_the_ledger_equals_the_ground_truth()
    {
        var topic = kafka.CreateTopic("corpus", partitions: Partitions);
        kafka.CreateNamedTopic(topic + ".dlq", 1);
        var group = MockKafkaCluster.UniqueName("corpus");
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-3);
        var valid = ValidCorpus.Build(start, perFamily: 40, seed: 13);
        var malformed = MalformedCorpus.Build(start.AddSeconds(30));
        Assert.True(malformed.Count >= 60, $"{malformed.Count} malformed kinds");

        // The foreign producer: a plain librdkafka client with its own settings, nothing of the product's Kafka code.
        // Valid events go round-robin over the partitions in time order; a malformed record follows every few.
        var expectedDead = new Dictionary<(int Partition, long Offset), MalformedCase>();
        var validOffsets = new HashSet<(int, long)>();
        var config = new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, MessageMaxBytes = 2 * 1024 * 1024, LingerMs = 5 };
        using (var producer = new ProducerBuilder<byte[], byte[]>(config).Build())
        {
            var m = 0;
            for (var i = 0; i < valid.Count; i++)
            {
                var result = await producer.ProduceAsync(new TopicPartition(topic, i % Partitions), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"v{i}"), Value = valid[i].Value });
                validOffsets.Add((result.Partition.Value, result.Offset.Value));
                if (i % 2 == 0 && m < malformed.Count)
                {
                    var bad = malformed[m++];
                    var sent = await producer.ProduceAsync(new TopicPartition(topic, i % Partitions), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"m{m}"), Value = bad.Value });
                    expectedDead[(sent.Partition.Value, sent.Offset.Value)] = bad;
                }
            }

            Assert.Equal(malformed.Count, m);
        }

        var prefix = AzuriteFixture.NewTablePrefix();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Topics"] = topic,
            ["Kafka:ConsumerGroup"] = group,
            ["Kafka:SessionTimeoutMs"] = MockKafkaCluster.FastSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["Ledger:ConnectionString"] = azurite.ConnectionString,
            ["Ledger:TablePrefix"] = prefix,
            ["Ingestion:MaxEnvelopeBytes"] = MalformedCorpus.MaxEnvelopeBytes.ToString(CultureInfo.InvariantCulture),
        };
        var error = new StringWriter(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var running = RunCommand.RunAsync(settings, error, stop.Token);

        // Lag 0: the group's committed offsets reach the end of every partition.
        var ends = kafka.EndOffsets(topic);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!running.IsCompleted && !LagIsZero(kafka.CommittedOffsets(group, topic), ends) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.False(running.IsCompleted, $"run ended early: {error}");
        var committed = kafka.CommittedOffsets(group, topic);
        Assert.True(LagIsZero(committed, ends), $"lag did not reach 0 within 60 s: committed {string.Join(", ", committed.OrderBy(c => c.Key))}, ends {string.Join(", ", ends.OrderBy(e => e.Key))}");
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(40)));
        Assert.True(LagIsZero(kafka.CommittedOffsets(group, topic), ends), "lag is 0 on every partition");

        // Every malformed record, and nothing else, is in the DLQ with its documented reason.
        var dead = kafka.ReadAll(topic + ".dlq");
        var wrong = new List<string>();
        var seen = new HashSet<(int, long)>();
        foreach (var letter in dead)
        {
            var origin = (int.Parse(Header(letter, DeadLetterHeaders.OriginalPartition), CultureInfo.InvariantCulture), long.Parse(Header(letter, DeadLetterHeaders.OriginalOffset), CultureInfo.InvariantCulture));
            Assert.True(seen.Add(origin), $"{origin} dead-lettered twice");
            var kind = Header(letter, DeadLetterHeaders.ErrorKind);
            if (!expectedDead.TryGetValue(origin, out var expected))
            {
                wrong.Add($"valid record {origin} dead-lettered as {kind}: {Header(letter, DeadLetterHeaders.ErrorMessage)}");
            }
            else if (kind != expected.ExpectedKind)
            {
                wrong.Add($"'{expected.Name}' is {kind} ({Header(letter, DeadLetterHeaders.ErrorMessage)}), expected {expected.ExpectedKind}");
            }
            else
            {
                Assert.Equal(expected.Value, letter.Message.Value ?? []);
            }
        }

        wrong.AddRange(expectedDead.Where(e => !seen.Contains(e.Key)).Select(e => $"'{e.Value.Name}' is not in the DLQ"));
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(malformed.Count, dead.Count);

        // The ledger equals the ground truth computed from the produced valid events.
        var truth = new LedgerGroundTruth();
        foreach (var e in valid)
        {
            foreach (var o in e.Expected)
            {
                truth.RecordMicros(o.Series, e.Time, o.Micros);
            }
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var ledger = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddTelemetryLedger().BuildServiceProvider();
        var comparison = await truth.CompareWithLedgerAsync(ledger.GetRequiredService<LedgerQueries>(), start.AddHours(-1), start.AddHours(1));
        Assert.True(comparison.IsExact, comparison.ToString());
        // Dozens of series over one or two minutes were compared, and every valid event was counted once.
        Assert.True(comparison.WindowsCompared > 40, comparison.ToString());
        Assert.Equal(valid.Count, truth.Windows.Where(w => IsEventCount(w.Key.Series.Name)).Sum(w => w.Value.Count));
    }

    private static bool IsEventCount(string metric) => metric.EndsWith(".count", StringComparison.Ordinal) || metric == "kafka.eventbus.handler.invocations";

    private static bool LagIsZero(IReadOnlyDictionary<int, long> committed, IReadOnlyDictionary<int, long> ends) =>
        ends.All(e => committed.TryGetValue(e.Key, out var c) && c >= e.Value);

    private static string Header(ConsumeResult<byte[], byte[]> r, string key) =>
        Encoding.UTF8.GetString(r.Message.Headers.Last(h => h.Key == key).GetValueBytes());
}
