using System.Net;
using System.Net.Sockets;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.DevServices.Mosquitto;
using Telemetry.Domain.Aggregation;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Mqtt;
using Telemetry.Pollers.State;
using Telemetry.Pollers.Tests.Infrastructure;
using Telemetry.Testing.Azurite;

namespace Telemetry.Pollers.Tests.Mqtt;

[Collection(MqttCollection.Name)]
public sealed class MqttBrokerPollerTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> Settings(params string[] brokers) => new()
    {
        ["Pollers:MqttBrokers"] = string.Join(',', brokers),
        ["Pollers:MqttQuietMs"] = "200",
        ["Pollers:TimeoutSeconds"] = "3",
        ["Pollers:DeadlineSeconds"] = "10",
    };

    private static KeyValuePair<string, object?> BrokerTag(string address) => new(PollerMetricNames.BrokerAttribute, address);

    [Fact]
    public async Task Poll_reads_sys_topics_into_gauges_and_rates_from_counter_deltas()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var host = PollerHost.Create(azurite, Settings(broker.Address));
        using var capture = new MetricCapture(host.Services);
        var poller = host.Poller(PollerNames.Mqtt);

        var first = await poller.PollAsync(CancellationToken.None);
        Assert.True(first.AllSucceeded, string.Join("; ", first.Failures));
        var tag = BrokerTag(broker.Address);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var health, tag));
        Assert.Equal(1, health);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttUptime, out var uptime, tag));
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttSubscriptions, out _, tag));
        // "$SYS/broker/retained messages/count": the topic with a space in its name.
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttRetainedMessages, out var retained, tag));

        // Traffic between two polls: 200 publishes of 1 KiB from another client.
        var state = host.Services.GetRequiredService<PollerStateStore>();
        var before = await state.GetAsync(MqttBrokerPoller.PollerName, broker.Address, BrokerStateJsonContext.Default.BrokerState, CancellationToken.None);
        Assert.NotNull(before);

        // The ledger keeps the broker's latest reading too, the same figures the gauges export.
        Assert.True(before.Healthy);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttClientsConnected, out var clients, tag));
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttSubscriptions, out var subscriptions, tag));
        Assert.Equal((clients, subscriptions, retained, uptime), (before.ClientsConnected, before.Subscriptions, before.RetainedMessages, before.UptimeSeconds));
        await PublishAsync(broker, count: 200, size: 1024);
        await PublishAsync(broker, count: RetainedTopics, size: 16, retainedTopic: "test/retained/");

        // $SYS refreshes every second: poll until the broker's counters include the traffic.
        BrokerState? after = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await Task.Delay(500);
            var result = await poller.PollAsync(CancellationToken.None);
            Assert.True(result.AllSucceeded, string.Join("; ", result.Failures));
            after = await state.GetAsync(MqttBrokerPoller.PollerName, broker.Address, BrokerStateJsonContext.Default.BrokerState, CancellationToken.None);
            if (after!.MessagesReceived >= before.MessagesReceived + 200 + RetainedTopics && after.RetainedMessages >= before.RetainedMessages + RetainedTopics)
            {
                break;
            }
        }

        Assert.True(after!.MessagesReceived >= before.MessagesReceived + 200 + RetainedTopics, $"messages received {before.MessagesReceived} -> {after.MessagesReceived}");

        // The broker's own $SYS topics are retained too, so the count is checked as a step, not as an absolute.
        Assert.True(after.RetainedMessages >= before.RetainedMessages + RetainedTopics, $"retained messages {before.RetainedMessages} -> {after.RetainedMessages}");

        // Two different $SYS refreshes (the traffic is in one and not the other), and uptime is whole seconds since start.
        Assert.True(after.UptimeSeconds > before.UptimeSeconds, $"uptime {before.UptimeSeconds} -> {after.UptimeSeconds}");
        Assert.True(after.BytesReceived >= before.BytesReceived + (200 * 1024), $"bytes received {before.BytesReceived} -> {after.BytesReceived}");
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttMessagesReceivedRate, out var rate, tag));
        Assert.True(rate > 0);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttBytesReceivedRate, out var byteRate, tag));
        Assert.True(byteRate > 0);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttMessagesDroppedRate, out var dropped, tag));
        // Nothing in this scenario is dropped: every QoS 1 publish was accepted, and no subscriber's queue could overflow.
        Assert.Equal(0, dropped);

        // The observable gauges carry the values out through a real MeterListener, with units.
        var measured = capture.Collect();
        var active = Assert.Single(measured, m => m.Instrument == PollerMetricNames.MqttConnectionsActive);
        Assert.Equal(1, active.Value);
        Assert.Equal("{connection}", active.Unit);
        Assert.Equal(broker.Address, active.Tags.Single(t => t.Key == PollerMetricNames.BrokerAttribute).Value);
        Assert.Contains(measured, m => m.Instrument == PollerMetricNames.MqttClientsConnected);
        Assert.Contains(measured, m => m.Instrument == PollerMetricNames.MqttBytesSentRate && m.Unit == "By/s");
    }

    [Fact]
    public async Task Killing_the_broker_gives_health_0_and_reconnections_and_restarting_gives_health_1()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var host = PollerHost.Create(azurite, Settings(broker.Address));
        using var capture = new MetricCapture(host.Services);
        var poller = host.Poller(PollerNames.Mqtt);
        var tag = BrokerTag(broker.Address);

        Assert.True((await poller.PollAsync(CancellationToken.None)).AllSucceeded);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var up, tag));
        Assert.Equal(1, up);

        broker.Kill();
        var down = await poller.PollAsync(CancellationToken.None);
        Assert.Equal(1, down.Failed);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var health, tag));
        Assert.Equal(0, health);
        Assert.False(host.Readings.TryGet(PollerMetricNames.MqttUptime, out _, tag));
        var wentDown = Assert.Single(await host.NotableAsync(NotableEventKind.HealthCheckFailed));
        Assert.Equal("mqtt.broker.health_check_failed", wentDown.EventName);
        Assert.Equal(broker.Address, wentDown.Attributes[PollerMetricNames.BrokerAttribute]);

        // Still down: this attempt is a reconnection attempt, and the outage is not reported twice.
        Assert.Equal(1, (await poller.PollAsync(CancellationToken.None)).Failed);
        Assert.Single(await host.NotableAsync(NotableEventKind.HealthCheckFailed));

        await broker.StartAsync();
        var back = await poller.PollAsync(CancellationToken.None);
        Assert.True(back.AllSucceeded, string.Join("; ", back.Failures));
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var healthAgain, tag));
        Assert.Equal(1, healthAgain);

        var reconnections = capture.Collect().Where(m => m.Instrument == PollerMetricNames.MqttReconnections).Sum(m => m.Value);
        Assert.Equal(2, reconnections);
        var state = await host.Services.GetRequiredService<PollerStateStore>()
            .GetAsync(MqttBrokerPoller.PollerName, broker.Address, BrokerStateJsonContext.Default.BrokerState, CancellationToken.None);
        Assert.Equal(2, state!.Reconnections);
        Assert.True(state.Healthy);
    }

    [Fact]
    public async Task A_dead_broker_and_a_silent_one_do_not_affect_a_healthy_one()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections, never answers CONNECT
        var silentAddress = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var deadAddress = $"127.0.0.1:{FreePort()}";
        await using var host = PollerHost.Create(azurite, Settings(silentAddress, broker.Address, deadAddress));

        var result = await host.Poller(PollerNames.Mqtt).PollAsync(CancellationToken.None);

        Assert.Equal(1, result.Succeeded);
        Assert.Equal(2, result.Failed);
        Assert.Contains(result.Failures, f => f.StartsWith(silentAddress, StringComparison.Ordinal) && f.Contains("timeout", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.StartsWith(deadAddress, StringComparison.Ordinal));
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var healthy, BrokerTag(broker.Address)));
        Assert.Equal(1, healthy);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttClientsConnected, out _, BrokerTag(broker.Address)));
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var silentHealth, BrokerTag(silentAddress)));
        Assert.Equal(0, silentHealth);
        Assert.True(host.Readings.TryGet(PollerMetricNames.MqttConnectionsActive, out var deadHealth, BrokerTag(deadAddress)));
        Assert.Equal(0, deadHealth);
    }

    /// <summary>Retained messages the first test adds, each on a topic of its own.</summary>
    private const int RetainedTopics = 3;

    /// <summary>Publishes at QoS 1 to <c>test/traffic</c>, or, with <paramref name="retainedTopic"/>, one retained message to each of <c>{retainedTopic}0..count-1</c>.</summary>
    private static async Task PublishAsync(MosquittoBroker broker, int count, int size, string? retainedTopic = null)
    {
        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("publisher-" + Guid.NewGuid().ToString("N")).Build());
        var payload = new byte[size];
        for (var i = 0; i < count; i++)
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(retainedTopic is null ? "test/traffic" : retainedTopic + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithRetainFlag(retainedTopic is not null)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await client.PublishAsync(message);
        }

        await client.DisconnectAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
