using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;

namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// Connects to one broker, subscribes to <c>$SYS/broker/#</c> and collects the retained values the broker sends right
/// after the subscription, until no new topic arrived for a quiet period. A connection per poll keeps runs independent
/// (a Functions instance may not live until the next one) and makes health mean "a poll could connect now".
/// </summary>
internal sealed class SysTopicReader(MqttClientFactory factory, MqttConnectionSecurity security)
{
    public const string SysFilter = "$SYS/broker/#";

    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(MqttBrokerAddress broker, string clientId, TimeSpan quiet, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var topics = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var lastArrival = Stopwatch.GetTimestamp();

        using var client = factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            topics[e.ApplicationMessage.Topic] = e.ApplicationMessage.ConvertPayloadToString() ?? "";
            Interlocked.Exchange(ref lastArrival, Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };

        var options = security.Apply(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithClientId(clientId)
                .WithCleanSession()
                .WithTimeout(timeout))
            .Build();

        await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var subscribe = factory.CreateSubscribeOptionsBuilder().WithTopicFilter(SysFilter).Build();
            await client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);

            // Wait for the first value, then for a quiet period; the caller's token bounds both.
            while (topics.IsEmpty || Stopwatch.GetElapsedTime(Interlocked.Read(ref lastArrival)) < quiet)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                using var disconnectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), disconnectTimeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
                {
                    // The snapshot is already complete; a broker that vanishes during the goodbye changes nothing.
                }
            }
        }

        return topics;
    }
}
