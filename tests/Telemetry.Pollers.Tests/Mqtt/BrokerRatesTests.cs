using Telemetry.Pollers.Mqtt;

namespace Telemetry.Pollers.Tests.Mqtt;

/// <summary>Rates come from counter deltas over the broker's uptime, the clock that stamps each $SYS refresh.</summary>
public sealed class BrokerRatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counter_deltas_are_divided_by_the_uptime_between_the_two_refreshes_not_by_the_time_between_polls()
    {
        var previous = State(uptime: 4, received: 100, observedAt: T0);

        // Polled 1.3 s later, but the broker refreshed its counters 2 s after the previous refresh.
        var rates = BrokerRates.Compute(Snapshot(uptime: 6, received: 140, loadPerMinute: 60, observedAt: T0.AddSeconds(1.3)), previous);

        Assert.True(rates.FromCounters);
        Assert.Equal(20, rates.MessagesReceived);
    }

    [Fact]
    public void The_same_refresh_read_twice_falls_back_to_the_load_average_instead_of_reporting_zero()
    {
        var previous = State(uptime: 4, received: 100, observedAt: T0);

        var rates = BrokerRates.Compute(Snapshot(uptime: 4, received: 100, loadPerMinute: 600, observedAt: T0.AddSeconds(1.3)), previous);

        Assert.False(rates.FromCounters);
        Assert.Equal(10, rates.MessagesReceived);
    }

    private static BrokerState State(double uptime, double received, DateTimeOffset observedAt) =>
        new(true, observedAt, uptime, received, received, received * 100, received * 100, 0, 0);

    private static BrokerSnapshot Snapshot(double uptime, double received, double loadPerMinute, DateTimeOffset observedAt) =>
        BrokerSnapshot.From(
            new Dictionary<string, string>
            {
                ["$SYS/broker/uptime"] = $"{uptime} seconds",
                ["$SYS/broker/messages/received"] = $"{received}",
                ["$SYS/broker/messages/sent"] = $"{received}",
                ["$SYS/broker/bytes/received"] = $"{received * 100}",
                ["$SYS/broker/bytes/sent"] = $"{received * 100}",
                ["$SYS/broker/load/messages/received/1min"] = $"{loadPerMinute}",
            },
            observedAt);
}
