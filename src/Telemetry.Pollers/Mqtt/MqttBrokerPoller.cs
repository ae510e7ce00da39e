using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Aggregation;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.State;

namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// Reads every configured broker's <c>$SYS</c> statistics, all brokers at once, each under its own timeout, so a broker
/// that is down or slow costs only its own slot. Writes gauges (health, clients, subscriptions, uptime, rates), counts
/// reconnection attempts, and records a health-check failure as a notable event when a broker goes down.
/// </summary>
internal sealed class MqttBrokerPoller : TargetPoller<MqttBrokerAddress>
{
    public const string PollerName = "mqtt";

    private readonly SysTopicReader _reader;
    private readonly PollerStateStore _stateStore;
    private readonly INotableEventSink _notableEvents;

    internal MqttBrokerPoller(
        IOptions<PollersOptions> options,
        SysTopicReader reader,
        PollerStateStore stateStore,
        PollerInstruments instruments,
        INotableEventSink notableEvents,
        TimeProvider time,
        ILogger<MqttBrokerPoller> logger)
        : base(PollerName, nameof(PollersOptions.MqttSchedule), options.Value.MqttIntervalSeconds, options.Value, instruments, time, logger)
    {
        _reader = reader;
        _stateStore = stateStore;
        _notableEvents = notableEvents;
    }

    private protected override IReadOnlyList<MqttBrokerAddress> Targets() =>
        PollersOptions.SplitList(Options.MqttBrokers)
            .Select(b => MqttBrokerAddress.TryParse(b, out var a) ? a : throw new InvalidOperationException($"Pollers:MqttBrokers entry '{b}' is not host:port."))
            .ToArray();

    private protected override string Describe(MqttBrokerAddress broker) => broker.Name;

    private protected override async Task<string?> PollTargetAsync(MqttBrokerAddress broker, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var tag = new KeyValuePair<string, object?>(PollerMetricNames.BrokerAttribute, broker.Name);
        BrokerState? previous;
        try
        {
            previous = await _stateStore.GetAsync(PollerName, broker.Name, BrokerStateJsonContext.Default.BrokerState, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logger.PreviousStateUnreadable(ex, broker.Name);
            previous = null;
        }

        var reconnecting = previous is { Healthy: false };
        if (reconnecting)
        {
            Instruments.MqttReconnectionAttempted(broker.Name);
        }

        IReadOnlyDictionary<string, string> topics;
        string? failure = null;
        using (var timeout = TargetTimeout(cancellationToken))
        {
            try
            {
                var clientId = $"telemetry-poller-{Guid.NewGuid():N}";
                topics = await _reader.ReadAsync(broker, clientId, TimeSpan.FromMilliseconds(Options.MqttQuietMs), TimeSpan.FromSeconds(Options.TimeoutSeconds), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                topics = new Dictionary<string, string>();
                failure = $"timeout after {Options.TimeoutSeconds}s";
            }
            catch (OperationCanceledException)
            {
                topics = new Dictionary<string, string>();
                failure = "poll deadline reached";
            }
            catch (Exception ex)
            {
                topics = new Dictionary<string, string>();

                // MQTTnet wraps a cancelled connect in its own exceptions; the timer says what really happened.
                failure = timeout.IsCancellationRequested
                    ? (cancellationToken.IsCancellationRequested ? "poll deadline reached" : $"timeout after {Options.TimeoutSeconds}s")
                    : ex.GetType().Name + ": " + (ex.InnerException?.Message ?? ex.Message);
            }
        }

        if (failure is not null && stopping.IsCancellationRequested)
        {
            // Cut short by the caller (a host stopping): recording the broker as down would raise a false health-check failure.
            return $"{broker.Name}: cancelled";
        }

        var now = Time.GetUtcNow();
        var readings = Instruments.Readings;
        var reconnections = (previous?.Reconnections ?? 0) + (reconnecting ? 1 : 0);
        BrokerState state;
        if (failure is null)
        {
            var snapshot = BrokerSnapshot.From(topics, now);
            var rates = BrokerRates.Compute(snapshot, previous);
            readings.Set(PollerMetricNames.MqttConnectionsActive, 1, tag);
            SetOrRemove(PollerMetricNames.MqttClientsConnected, snapshot.ClientsConnected, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttSubscriptions, snapshot.Subscriptions, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttRetainedMessages, snapshot.RetainedMessages, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttUptime, snapshot.UptimeSeconds, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttMessagesReceivedRate, rates.MessagesReceived, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttMessagesSentRate, rates.MessagesSent, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttBytesReceivedRate, rates.BytesReceived, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttBytesSentRate, rates.BytesSent, broker.Name, tag);
            SetOrRemove(PollerMetricNames.MqttMessagesDroppedRate, rates.MessagesDropped, broker.Name, tag);
            state = new BrokerState(
                true, now, snapshot.UptimeSeconds, snapshot.MessagesReceived, snapshot.MessagesSent, snapshot.BytesReceived, snapshot.BytesSent, reconnections,
                snapshot.MessagesDropped, snapshot.ClientsConnected, snapshot.Subscriptions, snapshot.RetainedMessages);
            Logger.Polled(broker.Name, snapshot.TopicCount, rates.FromCounters ? "counters" : "load averages");
        }
        else
        {
            readings.Set(PollerMetricNames.MqttConnectionsActive, 0, tag);
            foreach (var name in StatNames)
            {
                readings.Remove(name, PollerMetricNames.BrokerAttribute, broker.Name);
            }

            state = new BrokerState(false, now, previous?.UptimeSeconds, previous?.MessagesReceived, previous?.MessagesSent, previous?.BytesReceived, previous?.BytesSent, reconnections, previous?.MessagesDropped);
            Logger.PollFailed(broker.Name, failure);
        }

        try
        {
            using var writeTimeout = RecordTimeout();
            await _stateStore.SetAsync(PollerName, broker.Name, state, BrokerStateJsonContext.Default.BrokerState, writeTimeout.Token).ConfigureAwait(false);
            if (failure is not null && previous is not { Healthy: false })
            {
                var wentDown = new NotableEvent(
                    NotableEventKind.HealthCheckFailed,
                    now,
                    "mqtt.broker.health_check_failed",
                    $"mqtt/{broker.Name}/{now.ToUnixTimeMilliseconds()}",
                    failure,
                    null,
                    new Dictionary<string, string>(StringComparer.Ordinal) { [PollerMetricNames.BrokerAttribute] = broker.Name });
                await _notableEvents.WriteAsync([wentDown], writeTimeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Logger.StateNotRecorded(ex, broker.Name);
            failure ??= "state not recorded: " + ex.GetType().Name;
        }

        return failure is null ? null : $"{broker.Name}: {failure}";
    }

    private static readonly string[] StatNames =
    [
        PollerMetricNames.MqttClientsConnected, PollerMetricNames.MqttSubscriptions, PollerMetricNames.MqttRetainedMessages,
        PollerMetricNames.MqttUptime, PollerMetricNames.MqttMessagesReceivedRate, PollerMetricNames.MqttMessagesSentRate,
        PollerMetricNames.MqttBytesReceivedRate, PollerMetricNames.MqttBytesSentRate, PollerMetricNames.MqttMessagesDroppedRate,
    ];

    private void SetOrRemove(string instrument, double? value, string broker, KeyValuePair<string, object?> tag)
    {
        if (value is { } v)
        {
            Instruments.Readings.Set(instrument, v, tag);
        }
        else
        {
            Instruments.Readings.Remove(instrument, PollerMetricNames.BrokerAttribute, broker);
        }
    }
}
