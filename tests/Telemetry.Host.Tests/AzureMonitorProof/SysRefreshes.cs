using MQTTnet;
using Telemetry.DevServices.Mosquitto;

namespace Telemetry.Host.Tests.AzureMonitorProof;

/// <summary>
/// Waits for mosquitto to publish its <c>$SYS</c> tree afresh (it does so once a second): the positive signal that a
/// poll from now on reads newer broker counters than the last one did, instead of sleeping past the interval.
/// </summary>
internal static class SysRefreshes
{
    /// <summary>The uptime topic changes on every refresh, so each live (not retained) copy of it is one refresh.</summary>
    private const string Topic = "$SYS/broker/uptime";

    public static async Task WaitAsync(MosquittoBroker broker, int refreshes)
    {
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            // The retained copy delivered on subscribing is the refresh the last poll may already have read.
            if (!e.ApplicationMessage.Retain && Interlocked.Increment(ref seen) >= refreshes)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("sys-refreshes-" + Guid.NewGuid().ToString("N")).Build());
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter(Topic).Build());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await client.DisconnectAsync();
    }
}
