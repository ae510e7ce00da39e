using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Replay;
using Telemetry.Testing.Kafka;
using Xunit;
using static Telemetry.Kafka.Tests.Pipeline.PipelineHarness;

namespace Telemetry.Kafka.Tests.Replay;

/// <summary><c>dlq replay</c> against dead letters the real pipeline wrote to the mock cluster.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DeadLetterReplayTests(MockKafkaCluster cluster)
{
    [Fact]
    public async Task Replay_to_the_original_partition_republishes_the_bytes_once_and_each_replayed_event_is_counted_once()
    {
        await using var topic = await DeadLetteredTopic.StartAsync(cluster, "replay-orig", count: 10, malformed: [3], failing: [6]);
        Assert.Equal(8, topic.Counted);
        await topic.StopConsumingAsync();
        var dead = cluster.ReadAll(topic.DeadLetterTopic);
        Assert.Equal(["3", "6"], dead.Select(d => Header(d.Message.Headers, DeadLetterHeaders.OriginalOffset)));

        var report = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic));

        Assert.False(report.DryRun);
        Assert.Equal(
            [(0L, 3L, "not_json", ReplayDisposition.Replayed), (1L, 6L, "InjectedFailure", ReplayDisposition.Replayed)],
            report.Items.Select(i => (i.DeadLetterOffset, i.OriginalOffset ?? -1, i.ErrorKind, i.Disposition)));
        Assert.All(report.Items, i => Assert.Equal((topic.Topic, 0, topic.Topic), (i.OriginalTopic, i.OriginalPartition ?? -1, i.TargetTopic)));

        // Appended to the original partition: key and value byte for byte, the original headers, no dead-letter
        // headers, and the marker naming the dead letter.
        var replayed = cluster.ReadAll(topic.Topic).Where(r => r.Offset.Value >= 10).ToList();
        Assert.Equal([10L, 11L], replayed.Select(r => r.Offset.Value));
        for (var i = 0; i < replayed.Count; i++)
        {
            var original = topic.Sent[i == 0 ? 3 : 6];
            Assert.Equal(0, replayed[i].Partition.Value);
            Assert.Equal(original.Key, replayed[i].Message.Key);
            Assert.Equal(original.Value, replayed[i].Message.Value);
            Assert.Equal(
                [.. original.Headers.Select(Text), (DeadLetterHeaderValues.ReplayedFromDlq, $"{topic.DeadLetterTopic}:0:{i}")],
                replayed[i].Message.Headers.Select(Text));
        }

        // A second run re-publishes nothing: the marker topic remembers both dead letters.
        var again = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic));
        Assert.Equal((0, 2), (again.Replayed, again.AlreadyReplayed));
        Assert.Equal(12, cluster.EndOffsets(topic.Topic)[0]);

        // The host consumes the replays: the once-failing event now counts, exactly once; the malformed one fails
        // again and is back in the DLQ, still marked as a replay and with one set of dead-letter headers.
        await topic.ResumeConsumingAsync();
        await topic.SettledThroughAsync(11);
        await topic.StopConsumingAsync();
        Assert.Equal(9, topic.Counted);
        Assert.Equal(12, cluster.CommittedOffsets(topic.Options.ConsumerGroup, topic.Topic)[0]);
        dead = cluster.ReadAll(topic.DeadLetterTopic);
        Assert.Equal(3, dead.Count);
        var refailed = dead[2].Message.Headers;
        Assert.Equal("10", Header(refailed, DeadLetterHeaders.OriginalOffset));
        Assert.Equal($"{topic.DeadLetterTopic}:0:0", Header(refailed, DeadLetterHeaderValues.ReplayedFromDlq));
        Assert.All(DeadLetterHeaderValues.Added, name => Assert.Single(refailed, h => h.Key == name));
        Assert.Equal(topic.Sent[3].Value, dead[2].Message.Value);

        // Only that new dead letter is still replayable.
        var next = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, DryRun: true));
        Assert.Equal([ReplayDisposition.AlreadyReplayed, ReplayDisposition.AlreadyReplayed, ReplayDisposition.Replayed], next.Items.Select(i => i.Disposition));
    }

    [Fact]
    public async Task Replay_to_another_topic_takes_only_the_chosen_error_kinds_and_leaves_the_original_topic_alone()
    {
        await using var topic = await DeadLetteredTopic.StartAsync(cluster, "replay-to", count: 10, malformed: [2], failing: [5, 8]);
        await topic.StopConsumingAsync();
        var target = cluster.CreateTopic("replay-target", partitions: 1);

        var injected = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, target, ErrorKinds: new HashSet<string> { "InjectedFailure" }));

        Assert.Equal(
            [(2L, ReplayDisposition.Filtered), (5L, ReplayDisposition.Replayed), (8L, ReplayDisposition.Replayed)],
            injected.Items.Select(i => (i.OriginalOffset ?? -1, i.Disposition)));
        Assert.All(injected.Items, i => Assert.Equal(target, i.TargetTopic));
        var copies = cluster.ReadAll(target);
        Assert.Equal([topic.Sent[5].Key, topic.Sent[8].Key], copies.Select(c => c.Message.Key));
        Assert.Equal([topic.Sent[5].Value, topic.Sent[8].Value], copies.Select(c => c.Message.Value));
        Assert.Equal(10, cluster.EndOffsets(topic.Topic)[0]);

        var notJson = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, target, ErrorKinds: new HashSet<string> { "not_json" }));
        Assert.Equal((1, 2, 0), (notJson.Replayed, notJson.Filtered, notJson.AlreadyReplayed));
        var all = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, target));
        Assert.Equal((0, 0, 3), (all.Replayed, all.Filtered, all.AlreadyReplayed));

        copies = cluster.ReadAll(target);
        Assert.Equal([topic.Sent[5].Value, topic.Sent[8].Value, topic.Sent[2].Value], copies.Select(c => c.Message.Value));
        Assert.Equal(10, cluster.EndOffsets(topic.Topic)[0]);
    }

    [Fact]
    public async Task A_dry_run_reports_what_the_time_filter_selects_and_publishes_nothing()
    {
        var start = DeadLetteredTopic.Start;
        await using var topic = await DeadLetteredTopic.StartAsync(cluster, "replay-time", count: 4, malformed: [1, 5], failing: []);
        topic.Clock.Advance(TimeSpan.FromHours(1));
        await topic.ProduceAndSettleAsync(4);
        await topic.StopConsumingAsync();
        var dead = cluster.ReadAll(topic.DeadLetterTopic);
        Assert.Equal(
            [start.ToUnixTimeMilliseconds(), start.AddHours(1).ToUnixTimeMilliseconds()],
            dead.Select(d => long.Parse(Header(d.Message.Headers, DeadLetterHeaders.FailureTimestamp), CultureInfo.InvariantCulture)));
        var halfway = start.AddMinutes(30);

        // --until is exclusive, --from inclusive.
        var earlier = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, FailedFrom: start, FailedUntil: start.AddHours(1), DryRun: true));
        Assert.True(earlier.DryRun);
        Assert.Equal(
            [(1L, start, ReplayDisposition.Replayed), (5L, start.AddHours(1), ReplayDisposition.Filtered)],
            earlier.Items.Select(i => (i.OriginalOffset ?? -1, i.FailedAt ?? default, i.Disposition)));
        var later = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, FailedFrom: halfway, DryRun: true));
        Assert.Equal([ReplayDisposition.Filtered, ReplayDisposition.Replayed], later.Items.Select(i => i.Disposition));
        Assert.Equal(8, cluster.EndOffsets(topic.Topic)[0]);

        // The dry runs left no marker: the real run replays what they selected, and only that.
        var real = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, FailedFrom: halfway));
        Assert.Equal([ReplayDisposition.Filtered, ReplayDisposition.Replayed], real.Items.Select(i => i.Disposition));
        Assert.Equal(9, cluster.EndOffsets(topic.Topic)[0]);
        Assert.Equal(topic.Sent[5].Value, cluster.ReadAll(topic.Topic)[8].Message.Value);
        var rest = await topic.ReplayAsync(new ReplayRequest(topic.DeadLetterTopic, DryRun: true));
        Assert.Equal([ReplayDisposition.Replayed, ReplayDisposition.AlreadyReplayed], rest.Items.Select(i => i.Disposition));
        Assert.Equal(9, cluster.EndOffsets(topic.Topic)[0]);
    }

    private static (string Key, string Value) Text(IHeader header) => (header.Key, Encoding.UTF8.GetString(header.GetValueBytes()));
}
