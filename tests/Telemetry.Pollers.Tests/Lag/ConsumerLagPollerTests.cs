using Microsoft.Extensions.DependencyInjection;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.LagSamples;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Lag;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;
using Telemetry.Testing.Time;

namespace Telemetry.Pollers.Tests.Lag;

[Collection(LagCollection.Name)]
public sealed class ConsumerLagPollerTests(AzuriteFixture azurite, MockKafkaCluster kafka)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private Dictionary<string, string?> Settings(string group, string topic, int sampleCount = 60, int windowSize = 10) => new()
    {
        ["Pollers:LagWindowSize"] = windowSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
        ["Pollers:LagConsumerGroups"] = group,
        ["Pollers:LagTopics"] = topic,
        ["Pollers:LagSampleCount"] = sampleCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pollers:TimeoutSeconds"] = "10",
        ["Pollers:DeadlineSeconds"] = "20",
    };

    private static KeyValuePair<string, object?>[] Tags(string group, string topic, int partition) =>
    [
        new(PollerMetricNames.PartitionAttribute, partition),
        new(PollerMetricNames.ConsumerGroupAttribute, group),
        new(PollerMetricNames.DestinationAttribute, topic),
    ];

    private static double Read(PollerHost host, string instrument, params KeyValuePair<string, object?>[] tags)
    {
        Assert.True(host.Readings.TryGet(instrument, out var value, tags), $"{instrument} has no reading for {string.Join(",", tags)}");
        return value;
    }

    private static async Task PollAsync(IPoller poller) =>
        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);

    /// <summary>One poll of a scripted scenario, then the 30 s until the next one.</summary>
    private static async Task PollThenWaitAsync(IPoller poller, ManualTimeProvider time)
    {
        await PollAsync(poller);
        time.Advance(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Lag_per_partition_is_high_watermark_minus_committed_and_lag_sum_adds_a_topic_up()
    {
        var topic = kafka.CreateTopic("lag", partitions: 3);
        var group = MockKafkaCluster.UniqueName("group");
        await KafkaOffsets.ProduceAsync(kafka, topic, 0, 10);
        await KafkaOffsets.ProduceAsync(kafka, topic, 1, 20);
        await KafkaOffsets.ProduceAsync(kafka, topic, 2, 30);
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 4);
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 1, 20);
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 2, 10);

        await using var host = PollerHost.Create(azurite, Settings(group, topic));
        using var capture = new MetricCapture(host.Services);
        var result = await host.Poller(PollerNames.Lag).PollAsync(CancellationToken.None);

        Assert.True(result.AllSucceeded, string.Join("; ", result.Failures));
        Assert.Equal(6, Read(host, PollerMetricNames.ConsumerLag, Tags(group, topic, 0)));
        Assert.Equal(0, Read(host, PollerMetricNames.ConsumerLag, Tags(group, topic, 1)));
        Assert.Equal(20, Read(host, PollerMetricNames.ConsumerLag, Tags(group, topic, 2)));
        Assert.Equal(26, Read(host, PollerMetricNames.ConsumerLagSum, new(PollerMetricNames.ConsumerGroupAttribute, group), new(PollerMetricNames.DestinationAttribute, topic)));

        // Seed 001's gauge, through OwnTelemetry's registration, with seed 001's attributes.
        var lag = capture.Collect().Where(m => m.Instrument == "kafka.eventbus.consumer.lag").ToArray();
        Assert.Equal(3, lag.Length);
        Assert.All(lag, m => Assert.Equal(
            ["messaging.kafka.partition", "messaging.kafka.consumer_group", "messaging.destination"],
            m.Tags.Select(t => t.Key)));
        Assert.Equal(26, lag.Sum(m => m.Value));

        // The lag rows are in the table, so the next (possibly other) instance carries on from them.
        var (rows, groupStatus) = await host.Services.GetRequiredService<LagStateStore>().LoadAsync(group, CancellationToken.None);
        Assert.Equal([6L, 0L, 20L], rows.Values.OrderBy(r => r.Partition).Select(r => r.Lag));
        Assert.Equal(LagStatus.Ok, groupStatus);

        // And the raw observation is in the ledger's lag-sample table.
        var sample = Assert.Single(await host.Services.GetRequiredService<ILagSampleStore>().ReadLatestAsync(group, topic, 0, 5, CancellationToken.None));
        Assert.Equal((4L, 10L, 6L), (sample.CommittedOffset, sample.EndOffset, sample.Lag));
    }

    [Fact]
    public async Task Time_lag_interpolates_the_committed_offset_in_the_samples_of_a_stream_at_a_known_rate()
    {
        // 100 messages every 10 s (10 msg/s); the consumer commits 750 at t = 100 s, when the end offset was 750 at
        // t = 65 s: 35 s behind. Interpolation is exact on a constant-rate stream; stated error: 0.5 s.
        var topic = kafka.CreateTopic("lagtime", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        var prefix = AzuriteFixture.NewTablePrefix();
        KafkaOffsets.Commit(kafka, group, topic, 0, 0);

        for (var k = 0; k <= 10; k++)
        {
            await KafkaOffsets.ProduceAsync(kafka, topic, 0, 100);
            if (k == 10)
            {
                KafkaOffsets.Commit(kafka, group, topic, 0, 750);
            }

            // A fresh instance each run, as Functions would: the samples come back from the table.
            await using var host = PollerHost.Create(azurite, Settings(group, topic), tablePrefix: prefix, time: time);
            Assert.True((await host.Poller(PollerNames.Lag).PollAsync(CancellationToken.None)).AllSucceeded);
            if (k == 0)
            {
                // One sample cannot give a rate: no estimate yet.
                Assert.False(host.Readings.TryGet(PollerMetricNames.ConsumerLagSeconds, out _, Tags(group, topic, 0)));
            }

            if (k == 10)
            {
                Assert.Equal(350, Read(host, PollerMetricNames.ConsumerLag, Tags(group, topic, 0)));
                Assert.InRange(Read(host, PollerMetricNames.ConsumerLagSeconds, Tags(group, topic, 0)), 34.5, 35.5);
            }

            time.Advance(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Time_lag_beyond_the_oldest_sample_is_extrapolated_from_the_table()
    {
        // Only 4 samples kept (t = 70..100 s, offsets 800..1100); committed 250 is older than all: extrapolated on the
        // same 10 msg/s line, it was the end offset at t = 15 s, so 85 s behind.
        var topic = kafka.CreateTopic("lagold", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        KafkaOffsets.Commit(kafka, group, topic, 0, 250);
        await using var host = PollerHost.Create(azurite, Settings(group, topic, sampleCount: 4), time: time);

        for (var k = 0; k <= 10; k++)
        {
            await KafkaOffsets.ProduceAsync(kafka, topic, 0, 100);
            Assert.True((await host.Poller(PollerNames.Lag).PollAsync(CancellationToken.None)).AllSucceeded);
            if (k < 10)
            {
                time.Advance(TimeSpan.FromSeconds(10));
            }
        }

        Assert.InRange(Read(host, PollerMetricNames.ConsumerLagSeconds, Tags(group, topic, 0)), 84.5, 85.5);
        var (rows, _) = await host.Services.GetRequiredService<LagStateStore>().LoadAsync(group, CancellationToken.None);
        Assert.Equal(4, rows.Single().Value.Samples.Count);
    }

    [Fact]
    public async Task A_consumer_that_keeps_up_is_OK_and_one_that_stops_behind_goes_STOP_and_its_group_ERR_with_notable_events()
    {
        var topic = kafka.CreateTopic("stop", partitions: 2);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        await using var host = PollerHost.Create(azurite, Settings(group, topic, windowSize: 4), time: time);
        var poller = host.Poller(PollerNames.Lag);

        // Partition 0 keeps up at every poll; partition 1 stops at offset 5 while production goes on.
        for (var k = 0; k < 4; k++)
        {
            await KafkaOffsets.ProduceAsync(kafka, topic, 0, 10);
            await KafkaOffsets.ProduceAsync(kafka, topic, 1, 10);
            KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 10);
            if (k == 0)
            {
                KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 1, 5);
            }

            await PollThenWaitAsync(poller, time);
        }

        Assert.Equal((int)LagStatus.Ok, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
        Assert.Equal((int)LagStatus.Stop, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 1)));
        Assert.Equal((int)LagStatus.Err, Read(host, PollerMetricNames.ConsumerLagStatus, new KeyValuePair<string, object?>(PollerMetricNames.ConsumerGroupAttribute, group)));

        var changes = await host.NotableAsync(NotableEventKind.LagStatusChange, Start);
        var partitionChange = Assert.Single(changes, c => c.Attributes.ContainsKey(PollerMetricNames.PartitionAttribute));
        Assert.Equal("OK -> STOP", partitionChange.Reason);
        Assert.Equal("1", partitionChange.Attributes[PollerMetricNames.PartitionAttribute]);
        Assert.Equal(topic, partitionChange.Attributes[PollerMetricNames.DestinationAttribute]);
        var groupChange = Assert.Single(changes, c => !c.Attributes.ContainsKey(PollerMetricNames.PartitionAttribute));
        Assert.Equal("OK -> ERR", groupChange.Reason);

        // The consumer catches up: back to OK, and that change is recorded too.
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 1, 35);
        await PollAsync(poller);
        Assert.Equal((int)LagStatus.Ok, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 1)));
        var after = await host.NotableAsync(NotableEventKind.LagStatusChange, Start);
        Assert.Contains(after, c => c.Reason == "STOP -> OK");
        Assert.Contains(after, c => c.Reason == "ERR -> OK");
    }

    [Fact]
    public async Task A_consumer_that_commits_but_falls_further_behind_at_every_poll_is_WARN_and_so_is_its_group()
    {
        var topic = kafka.CreateTopic("warn", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        await using var host = PollerHost.Create(azurite, Settings(group, topic, windowSize: 4), time: time);
        var poller = host.Poller(PollerNames.Lag);

        // Production outpaces the consumer: it commits at every poll, yet its lag grows 10, 20, 30, 40.
        for (var k = 0; k < 4; k++)
        {
            await KafkaOffsets.ProduceAsync(kafka, topic, 0, 20);
            KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 10);
            await PollThenWaitAsync(poller, time);
        }

        Assert.Equal(40, Read(host, PollerMetricNames.ConsumerLag, Tags(group, topic, 0)));
        Assert.Equal((int)LagStatus.Warn, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
        Assert.Equal((int)LagStatus.Warn, Read(host, PollerMetricNames.ConsumerLagStatus, new KeyValuePair<string, object?>(PollerMetricNames.ConsumerGroupAttribute, group)));
        Assert.Contains(await host.NotableAsync(NotableEventKind.LagStatusChange, Start), c => c.Reason == "OK -> WARN");

        // It catches up once: lag shrinks, so the window is no longer all growth.
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 35);
        await PollAsync(poller);
        Assert.Equal((int)LagStatus.Ok, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
    }

    [Fact]
    public async Task A_partition_is_judged_only_on_a_full_window_so_a_quiet_poll_at_start_is_not_STOP()
    {
        var topic = kafka.CreateTopic("quiet", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        await using var host = PollerHost.Create(azurite, Settings(group, topic, windowSize: 3), time: time);
        var poller = host.Poller(PollerNames.Lag);

        // Polled between two of the consumer's commits: an unchanged offset with lag. On two observations the window
        // spans no time at all, so Burrow's STOP rule would fire on any quiet poll; a full window has to show it.
        await KafkaOffsets.ProduceAsync(kafka, topic, 0, 50);
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 10);
        for (var k = 0; k < 2; k++)
        {
            await PollThenWaitAsync(poller, time);
            Assert.Equal((int)LagStatus.Ok, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
        }

        Assert.Empty(await host.NotableAsync(NotableEventKind.LagStatusChange, Start));

        // The third quiet poll fills the window: now it is a consumer that stopped behind.
        await PollAsync(poller);
        Assert.Equal((int)LagStatus.Stop, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
    }

    [Fact]
    public async Task A_commit_below_the_previous_one_is_REWIND_until_the_consumer_gets_back()
    {
        var topic = kafka.CreateTopic("rewind", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        var time = new ManualTimeProvider(Start);
        await KafkaOffsets.ProduceAsync(kafka, topic, 0, 300);
        await using var host = PollerHost.Create(azurite, Settings(group, topic, windowSize: 3), time: time);
        var poller = host.Poller(PollerNames.Lag);

        foreach (var offset in new long[] { 100, 200, 50 })
        {
            KafkaOffsets.Commit(kafka, group, topic, 0, offset);
            await PollThenWaitAsync(poller, time);
        }

        Assert.Equal((int)LagStatus.Rewind, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
        Assert.Equal((int)LagStatus.Err, Read(host, PollerMetricNames.ConsumerLagStatus, new KeyValuePair<string, object?>(PollerMetricNames.ConsumerGroupAttribute, group)));

        // Back past the offset it rewound from: the rewind no longer counts against it.
        KafkaOffsets.Commit(kafka, group, topic, 0, 250);
        await PollAsync(poller);
        Assert.NotEqual((int)LagStatus.Rewind, Read(host, PollerMetricNames.ConsumerLagStatus, Tags(group, topic, 0)));
    }

    [Fact]
    public async Task Unreachable_Kafka_fails_the_run_within_its_timeout_with_the_reason_and_leaves_no_stale_gauges()
    {
        var topic = kafka.CreateTopic("present", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var deadPort = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var settings = Settings(group, topic);
        settings["Kafka:BootstrapServers"] = $"127.0.0.1:{deadPort}";
        settings["Pollers:TimeoutSeconds"] = "2";
        await using var host = PollerHost.Create(azurite, settings);

        var result = await host.Poller(PollerNames.Lag).PollAsync(CancellationToken.None);

        Assert.Equal(1, result.Failed);
        Assert.StartsWith(group + ":", Assert.Single(result.Failures), StringComparison.Ordinal);
        Assert.False(host.Readings.TryGet(PollerMetricNames.ConsumerLag, out _, Tags(group, topic, 0)));
    }
}
