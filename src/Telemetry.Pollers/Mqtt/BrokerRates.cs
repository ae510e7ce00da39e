namespace Telemetry.Pollers.Mqtt;

/// <summary>
/// Per-second rates of a broker. Counter deltas against the previous run are exact over the interval, so they are
/// preferred; when there is no usable previous run (first poll, broker restarted, counters went backwards, the same
/// $SYS refresh read twice) the broker's own one-minute load average stands in.
/// </summary>
internal readonly record struct BrokerRates(double? MessagesReceived, double? MessagesSent, double? BytesReceived, double? BytesSent, double? MessagesDropped, bool FromCounters)
{
    public static BrokerRates Compute(BrokerSnapshot now, BrokerState? previous)
    {
        if (previous is { Healthy: true, UptimeSeconds: { } previousUptime } && now.UptimeSeconds is { } uptime && uptime >= previousUptime)
        {
            // The counters are those of the broker's last $SYS refresh, stamped with its uptime, so the uptime difference
            // is the interval they cover. Two polls that read the same refresh have nothing to compare: a wall-clock
            // interval would report 0/s there, and an inflated rate at the next refresh.
            var seconds = uptime - previousUptime;
            if (seconds > 0)
            {
                double? Rate(double? current, double? before) =>
                    current is { } c && before is { } b && c >= b ? (c - b) / seconds : null;

                var rates = new BrokerRates(
                    Rate(now.MessagesReceived, previous.MessagesReceived),
                    Rate(now.MessagesSent, previous.MessagesSent),
                    Rate(now.BytesReceived, previous.BytesReceived),
                    Rate(now.BytesSent, previous.BytesSent),
                    Rate(now.MessagesDropped, previous.MessagesDropped),
                    FromCounters: true);
                if (rates.MessagesReceived is not null || rates.BytesReceived is not null)
                {
                    return rates;
                }
            }
        }

        return new BrokerRates(
            now.MessagesReceivedPerMinute / 60,
            now.MessagesSentPerMinute / 60,
            now.BytesReceivedPerMinute / 60,
            now.BytesSentPerMinute / 60,
            MessagesDropped: null,
            FromCounters: false);
    }
}
