using Telemetry.Domain.Diagnostics;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;

namespace Telemetry.Pollers.Tests.Lag;

/// <summary>
/// Where no consumer of ours runs (the Functions app: the extension consumes), the lag poller's reach to each group's
/// cluster is <c>kafka.eventbus.connections.active</c>, its failures are <c>connection.errors</c> and its return after
/// one is a <c>reconnections</c>. A cluster of the test's own, whose only broker it takes down.
/// </summary>
[Collection(LagCollection.Name)]
public sealed class LagPollerConnectionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_lag_poller_reports_the_groups_connection_its_errors_and_its_reconnection()
    {
        using var kafka = MockKafkaCluster.Start(brokerCount: 1);
        var topic = kafka.CreateTopic("lag-conn", partitions: 1);
        var group = MockKafkaCluster.UniqueName("group");
        await KafkaOffsets.ProduceAsync(kafka, topic, 0, 3);
        KafkaOffsets.ConsumeAndCommit(kafka, group, topic, 0, 2);
        await using var host = PollerHost.Create(azurite, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Pollers:LagConsumerGroups"] = group,
            ["Pollers:LagTopics"] = topic,
            ["Pollers:TimeoutSeconds"] = "2",
            ["Pollers:DeadlineSeconds"] = "5",
        });
        using var capture = new MetricCapture(host.Services);
        var poller = host.Poller(PollerNames.Lag);

        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        Assert.Equal([1.0], Connection(capture.Collect(), group));

        kafka.SetBrokerDown(kafka.BrokerIds[0]);
        Assert.False((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        var down = capture.Collect();
        Assert.Equal([0.0], Connection(down, group));
        var error = Assert.Single(down, m => m.Instrument == OwnMetricCatalog.ConnectionErrors);
        Assert.False(string.IsNullOrEmpty(error.Tags.Single(t => t.Key == "error.type").Value as string));

        kafka.SetBrokerUp(kafka.BrokerIds[0]);
        var back = await PollUntilSucceededAsync(poller);
        var up = capture.Collect();
        Assert.Null(back);
        Assert.Equal([1.0], Connection(up, group));
        Assert.Equal(1, up.Where(m => m.Instrument == OwnMetricCatalog.Reconnections).Sum(m => m.Value));
    }

    private static double[] Connection(IEnumerable<(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)> measurements, string group) =>
        [.. measurements.Where(m => m.Instrument == OwnMetricCatalog.ConnectionsActive && m.Tags.Any(t => t.Key == "messaging.kafka.consumer_group" && (string?)t.Value == group)).Select(m => m.Value)];

    // librdkafka takes a moment to reconnect after the broker is back; every failed poll in between is one more error, not a reconnection.
    private static async Task<string?> PollUntilSucceededAsync(IPoller poller)
    {
        string? failures = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var result = await poller.PollAsync(CancellationToken.None);
            if (result.AllSucceeded)
            {
                return null;
            }

            failures = string.Join("; ", result.Failures);
        }

        return failures;
    }
}
