using Telemetry.Pollers.Lag;

namespace Telemetry.Pollers.Tests.Lag;

public sealed class OffsetTimeTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Needs_two_samples_to_estimate_and_a_caught_up_consumer_is_zero_seconds_behind()
    {
        var table = new OffsetTimeTable(10);
        Assert.Null(table.LagSeconds(5, T0));
        table.Add(100, T0);
        Assert.Null(table.LagSeconds(50, T0));
        Assert.Equal(0, table.LagSeconds(100, T0));
        table.Add(200, T0.AddSeconds(10));
        Assert.Equal(15, table.LagSeconds(150, T0.AddSeconds(20)));
    }

    [Fact]
    public void A_flat_run_keeps_its_two_ends_so_idle_periods_do_not_flush_the_table()
    {
        var table = new OffsetTimeTable(4);
        table.Add(100, T0);
        table.Add(200, T0.AddSeconds(10));
        for (var i = 2; i < 20; i++)
        {
            table.Add(200, T0.AddSeconds(10 * i));
        }

        Assert.Equal(3, table.Points.Count);
        Assert.Equal(T0.AddSeconds(190), table.Points[^1].Time);
        // Offset 150 was the end at t = 5 s: still answerable after 190 s of idleness.
        Assert.Equal(195, table.LagSeconds(150, T0.AddSeconds(200)));
    }

    [Fact]
    public void Out_of_order_samples_are_ignored_and_a_smaller_offset_restarts_the_table()
    {
        var table = new OffsetTimeTable(4);
        table.Add(100, T0.AddSeconds(10));
        table.Add(150, T0.AddSeconds(5));
        Assert.Single(table.Points);
        table.Add(200, T0.AddSeconds(20));
        table.Add(10, T0.AddSeconds(30)); // topic recreated
        Assert.Equal([new OffsetTimePoint(10, T0.AddSeconds(30))], table.Points);
    }

    [Fact]
    public void Holds_at_most_its_capacity_oldest_first_out()
    {
        var table = new OffsetTimeTable(3);
        for (var i = 0; i < 10; i++)
        {
            table.Add(i * 10, T0.AddSeconds(i));
        }

        Assert.Equal([70L, 80L, 90L], table.Points.Select(p => p.Offset));
    }
}
