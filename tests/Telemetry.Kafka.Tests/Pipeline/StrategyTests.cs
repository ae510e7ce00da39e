using System.Globalization;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.Tests.Consuming;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Time;
using Xunit;
using static Telemetry.Kafka.Tests.Pipeline.PipelineHarness;

namespace Telemetry.Kafka.Tests.Pipeline;

[Collection(KafkaCollection.Name)]
public sealed class StrategyTests(MockKafkaCluster cluster)
{
    /// <summary>
    /// Refused writes to wait for before asserting that nothing was committed: retries back off by at least 8 ms and,
    /// from the fourth on, 40 ms (RunningConsumer's 10..50 ms policy), so 20 of them outlast several of its 100 ms auto-commits.
    /// </summary>
    private const int RefusalsThatSpanCommits = 20;

    [Theory]
    [InlineData("all_or_nothing")]
    [InlineData("best_effort")]
    [InlineData("last_successful")]
    public async Task Each_strategy_commits_everything_dead_letters_exactly_the_failed_records_and_counts_the_rest_once(string strategy)
    {
        var topic = cluster.CreateTopic("strategy", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var sent = await ProduceAsync(cluster, topic, 20, i => i == 15 ? "not json"u8.ToArray() : null);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.AckStrategy = strategy;
        options.MaxRetries = 2;
        options.BatchSize = 20;
        options.BatchTimeoutMs = 2000;
        var handler = new FailingHandler().Fail(5, int.MaxValue).Fail(10, 1);
        var sink = new RecordingSink();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var pipeline = Create(options, handler, sink, out var dlq, clock);
        using var _ = dlq;

        await using (var consumer = RunningConsumer.Start(options, pipeline))
        {
            await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == 19), "the batch settled to its end");
            await consumer.StopAsync();
        }

        Assert.Equal(20, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);

        // Sinks saw contiguous ranges covering every offset once, and 18 events (all but the two dead letters).
        var ranges = sink.Ranges.ToList();
        Assert.Equal(-1, ranges[0].After);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.Equal(ranges[i - 1].Through, ranges[i].After);
        }

        Assert.Equal(19, ranges[^1].Through);
        Assert.Equal(18, ranges.Sum(r => r.Events));
        if (strategy == "all_or_nothing")
        {
            Assert.Single(ranges);
        }
        else
        {
            // The settled prefix before the first failure is committed while offset 5 is still retried.
            Assert.Equal(4, ranges[0].Through);
        }

        // The DLQ holds offsets 5 (retries exhausted) and 15 (malformed, dead-lettered at once), byte for byte, with the shared headers.
        var dead = cluster.ReadAll(topic + ".dlq");
        Assert.Equal(2, dead.Count);
        var exhausted = dead.Single(d => Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset) == "5");
        var malformed = dead.Single(d => Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset) == "15");
        Assert.Equal(sent[5].Key, exhausted.Message.Key);
        Assert.Equal(sent[5].Value, exhausted.Message.Value);
        Assert.Equal(sent[15].Value, malformed.Message.Value);
        Assert.Equal(
            ["trace", DeadLetterHeaders.OriginalTopic, DeadLetterHeaders.OriginalPartition, DeadLetterHeaders.OriginalOffset, DeadLetterHeaders.OriginalTimestamp,
             DeadLetterHeaders.ConsumerGroup, DeadLetterHeaders.FailureTimestamp, DeadLetterHeaders.RetryCount, DeadLetterHeaders.ErrorKind, DeadLetterHeaders.ErrorMessage],
            exhausted.Message.Headers.Select(h => h.Key));
        Assert.Equal("t5", Header(exhausted.Message.Headers, "trace"));
        Assert.Equal(topic, Header(exhausted.Message.Headers, DeadLetterHeaders.OriginalTopic));
        Assert.Equal("0", Header(exhausted.Message.Headers, DeadLetterHeaders.OriginalPartition));
        Assert.Equal("5", Header(exhausted.Message.Headers, DeadLetterHeaders.OriginalOffset));
        Assert.Equal(sent[5].Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture), Header(exhausted.Message.Headers, DeadLetterHeaders.OriginalTimestamp));
        Assert.Equal(options.ConsumerGroup, Header(exhausted.Message.Headers, DeadLetterHeaders.ConsumerGroup));
        Assert.Equal("2", Header(exhausted.Message.Headers, DeadLetterHeaders.RetryCount));
        Assert.Equal("InjectedFailure", Header(exhausted.Message.Headers, DeadLetterHeaders.ErrorKind));
        Assert.Equal("injected for the test", Header(exhausted.Message.Headers, DeadLetterHeaders.ErrorMessage));
        Assert.Equal(clock.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), Header(exhausted.Message.Headers, DeadLetterHeaders.FailureTimestamp));
        Assert.Equal("15", Header(malformed.Message.Headers, DeadLetterHeaders.OriginalOffset));
        Assert.Equal("not_json", Header(malformed.Message.Headers, DeadLetterHeaders.ErrorKind));
        Assert.Equal("0", Header(malformed.Message.Headers, DeadLetterHeaders.RetryCount));
    }

    [Fact]
    public async Task A_failing_dead_letter_write_keeps_the_commit_before_that_message_until_the_write_succeeds()
    {
        var topic = cluster.CreateTopic("dlqfail", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        await ProduceAsync(cluster, topic, 12, i => i == 6 ? "{\"truncated"u8.ToArray() : null);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.AckStrategy = "best_effort";
        options.BatchSize = 12;
        options.BatchTimeoutMs = 2000;
        options.DeadLetterTimeoutMs = 500;
        var sink = new RecordingSink();
        var progress = new ConsumerProgress();
        var pipeline = Create(options, new FailingHandler(), sink, out var dlq, progress: progress);
        using var _ = dlq;

        // Every produce request fails until cleared: the dead letter of offset 6 cannot be written.
        cluster.PushRequestErrors(MockApiKey.Produce, Enumerable.Repeat(Confluent.Kafka.ErrorCode.TopicAuthorizationFailed, 200).ToArray());
        await using var consumer = RunningConsumer.Start(options, pipeline);
        await Eventually.TrueAsync(() => !sink.Ranges.IsEmpty, "the prefix before the malformed record settled");
        await Eventually.TrueAsync(() => cluster.CommittedOffsets(options.ConsumerGroup, topic)[0] == 6, "the coordinator confirmed the commit of the settled prefix");

        // Each refused write ends a round that would have settled and stored offsets past 6, had it ignored the failure;
        // with the retry backoff between rounds, this many of them span several auto-commit intervals.
        var refusedBefore = progress.DeadLetterFailures;
        await Eventually.TrueAsync(() => progress.DeadLetterFailures >= refusedBefore + RefusalsThatSpanCommits, "the dead-letter write was refused again and again after that commit");
        Assert.All(sink.Ranges, r => Assert.True(r.Through < 6, $"settled through {r.Through} past the unwritten dead letter"));
        var committed = cluster.CommittedOffsets(options.ConsumerGroup, topic)[0];
        Assert.True(committed <= 6, $"committed {committed} past the unwritten dead letter");
        Assert.Empty(cluster.ReadAll(topic + ".dlq"));

        cluster.ClearRequestErrors(MockApiKey.Produce);
        await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == 11), "the rest settled once the DLQ accepted the write");
        await consumer.StopAsync();
        Assert.Equal(12, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
        var dead = Assert.Single(cluster.ReadAll(topic + ".dlq"));
        Assert.Equal("6", Header(dead.Message.Headers, DeadLetterHeaders.OriginalOffset));
    }

    [Fact]
    public async Task Malformed_input_of_every_kind_goes_to_the_dlq_with_its_reason_while_the_batch_goes_on()
    {
        var topic = cluster.CreateTopic("malformed", partitions: 1);
        cluster.CreateNamedTopic(topic + ".dlq", 1);
        var valid = System.Text.Encoding.UTF8.GetString(Valid(0));
        var bad = new Dictionary<int, byte[]>
        {
            [1] = "this is not json"u8.ToArray(),
            [3] = System.Text.Encoding.UTF8.GetBytes(valid[..(valid.Length / 2)]),
            [5] = System.Text.Encoding.UTF8.GetBytes("{\"schema\":1,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}"),
            [7] = System.Text.Encoding.UTF8.GetBytes(valid.Replace("\"schema\":1", "\"schema\":99", StringComparison.Ordinal)),
            [9] = [0xFF, 0x00, 0xFE, 0x13, 0x37, 0x80, 0x81],
        };
        var sent = await ProduceAsync(cluster, topic, 12, i => bad.GetValueOrDefault(i));
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        var sink = await ConsumeTopicOnceAsync(cluster, topic, 12, options);

        Assert.Equal(7, sink.Ranges.Sum(r => r.Events));
        Assert.Equal(12, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
        var dead = cluster.ReadAll(topic + ".dlq");
        Assert.Equal([1, 3, 5, 7, 9], dead.Select(d => int.Parse(Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset), CultureInfo.InvariantCulture)));
        foreach (var d in dead)
        {
            var offset = int.Parse(Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset), CultureInfo.InvariantCulture);
            Assert.Equal(sent[offset].Value, d.Message.Value);
            Assert.False(string.IsNullOrEmpty(Header(d.Message.Headers, DeadLetterHeaders.ErrorKind)));
            Assert.True(Header(d.Message.Headers, DeadLetterHeaders.ErrorMessage).Length <= DeadLetter.MaxErrorMessageLength + 1);
        }

        Assert.Equal("not_json", Header(dead[0].Message.Headers, DeadLetterHeaders.ErrorKind));
        Assert.Equal("oversized", Header(dead[2].Message.Headers, DeadLetterHeaders.ErrorKind));
        Assert.Equal("wrong_schema_version", Header(dead[3].Message.Headers, DeadLetterHeaders.ErrorKind));
    }

    [Fact]
    public async Task A_sink_outage_commits_nothing_until_the_sink_is_back_and_then_counts_once()
    {
        var topic = cluster.CreateTopic("sinkdown", partitions: 1);
        await ProduceAsync(cluster, topic, 10);
        var options = RunningConsumer.OptionsFor(cluster, topic, MockKafkaCluster.UniqueName("g"));
        options.BatchTimeoutMs = 1000;
        var sink = new RecordingSink { Down = true };
        var pipeline = Create(options, new FailingHandler(), sink, out var dlq);
        using var _ = dlq;

        await using var consumer = RunningConsumer.Start(options, pipeline);

        // A pipeline that committed despite the refusal would have stored the offset before retrying; this many
        // refusals, with the backoff between them, span several auto-commit intervals.
        await Eventually.TrueAsync(() => sink.Refused >= RefusalsThatSpanCommits, "the sink refused the batch again and again");
        Assert.True(cluster.CommittedOffsets(options.ConsumerGroup, topic)[0] < 0, "nothing committed while the sink is down");
        sink.Down = false;
        await Eventually.TrueAsync(() => sink.Ranges.Any(r => r.Through == 9), "settled after the sink came back");
        await consumer.StopAsync();
        Assert.Equal(10, sink.Ranges.Sum(r => r.Events));
        Assert.Equal(10, cluster.CommittedOffsets(options.ConsumerGroup, topic)[0]);
    }
}
