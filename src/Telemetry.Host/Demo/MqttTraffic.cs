using MQTTnet;
using MQTTnet.Protocol;

namespace Telemetry.Host.Demo;

/// <summary>
/// A client that keeps the demo's broker busy (20 small messages a second on <c>demo/telemetry</c>, subscribed to
/// them itself), so the MQTT poller's rates and client counts show something other than an idle broker.
/// </summary>
internal sealed class MqttTraffic : IAsyncDisposable
{
    private const string Topic = "demo/telemetry";

    private readonly IMqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _publishing;

    private MqttTraffic(IMqttClient client)
    {
        _client = client;
        _publishing = PublishAsync(_stop.Token);
    }

    public static async Task<MqttTraffic> StartAsync(string host, int port, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("telemetry-demo-traffic").Build(), ct);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topic).Build(), ct);
            return new MqttTraffic(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _publishing;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        var payload = new byte[200];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await _client.PublishAsync(
                    new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The broker went away: the poller reports that; the traffic simply ends.
        }
    }
}
