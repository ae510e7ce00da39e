using Telemetry.Pollers.Lag;

namespace Telemetry.Pollers.Tests.Lag;

/// <summary>Each of Burrow's statuses reached by a scripted window of (offset, commit time, high watermark) observations.</summary>
public sealed class BurrowEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static OffsetObservation At(int seconds, long offset, long highWatermark) => new(offset, T0.AddSeconds(seconds), highWatermark);

    private static LagStatus Evaluate(int nowSeconds, params OffsetObservation[] window) =>
        BurrowEvaluator.EvaluatePartition(window, window.Select(o => o.HighWatermark).ToArray(), T0.AddSeconds(nowSeconds), allowedLag: 0);

    [Fact]
    public void Zero_lag_now_is_OK_whatever_came_before() =>
        Assert.Equal(LagStatus.Ok, Evaluate(100, At(0, 10, 50), At(10, 10, 60), At(20, 60, 60)));

    [Fact]
    public void Lag_that_was_zero_somewhere_in_the_window_is_OK() =>
        Assert.Equal(LagStatus.Ok, Evaluate(30, At(0, 50, 50), At(10, 60, 70), At(20, 70, 90)));

    [Fact]
    public void Advancing_commits_with_lag_that_never_shrinks_is_WARN() =>
        Assert.Equal(LagStatus.Warn, Evaluate(30, At(0, 100, 200), At(10, 150, 300), At(20, 200, 400), At(30, 250, 500)));

    [Fact]
    public void Advancing_commits_with_lag_that_shrinks_once_is_OK() =>
        Assert.Equal(LagStatus.Ok, Evaluate(30, At(0, 100, 200), At(10, 150, 220), At(20, 200, 400), At(30, 250, 500)));

    [Fact]
    public void Recent_commits_of_the_same_offset_with_lag_are_STALL() =>
        Assert.Equal(LagStatus.Stall, Evaluate(30, At(0, 100, 200), At(10, 100, 250), At(20, 100, 300), At(30, 100, 350)));

    [Fact]
    public void No_commit_for_longer_than_the_window_spans_with_lag_is_STOP() =>
        Assert.Equal(LagStatus.Stop, Evaluate(100, At(0, 100, 250), At(10, 150, 300), At(20, 200, 350)));

    [Fact]
    public void No_recent_commit_is_not_STOP_when_the_consumer_was_caught_up_with_a_recent_broker_offset()
    {
        var window = new[] { At(0, 100, 200), At(10, 150, 250), At(20, 200, 300) };
        Assert.NotEqual(LagStatus.Stop, BurrowEvaluator.EvaluatePartition(window, [150, 200, 300], T0.AddSeconds(100), 0));
    }

    [Fact]
    public void A_commit_below_the_previous_one_is_REWIND_until_it_is_passed_again()
    {
        Assert.Equal(LagStatus.Rewind, Evaluate(30, At(0, 100, 300), At(10, 200, 300), At(20, 50, 300), At(30, 120, 300)));
        Assert.NotEqual(LagStatus.Rewind, Evaluate(40, At(0, 100, 300), At(10, 200, 300), At(20, 50, 300), At(30, 120, 300), At(40, 210, 300)));
    }

    [Fact]
    public void A_rewind_to_a_point_with_zero_lag_history_is_still_REWIND() =>
        Assert.Equal(LagStatus.Rewind, Evaluate(20, At(0, 300, 300), At(10, 300, 300), At(20, 0, 300)));

    [Fact]
    public void Allowed_lag_counts_as_caught_up()
    {
        var window = new[] { At(0, 100, 103), At(10, 150, 155), At(20, 200, 206) };
        Assert.Equal(LagStatus.Warn, BurrowEvaluator.EvaluatePartition(window, [103, 155, 206], T0.AddSeconds(20), allowedLag: 0));
        Assert.Equal(LagStatus.Ok, BurrowEvaluator.EvaluatePartition(window, [103, 155, 206], T0.AddSeconds(20), allowedLag: 10));
    }

    [Theory]
    [InlineData(new[] { LagStatus.Ok, LagStatus.Ok }, LagStatus.Ok)]
    [InlineData(new[] { LagStatus.Ok, LagStatus.Warn }, LagStatus.Warn)]
    [InlineData(new[] { LagStatus.Warn, LagStatus.Stop }, LagStatus.Err)]
    [InlineData(new[] { LagStatus.Stall, LagStatus.Ok }, LagStatus.Err)]
    [InlineData(new[] { LagStatus.Rewind }, LagStatus.Err)]
    public void A_group_is_its_worst_partition_with_STOP_STALL_and_REWIND_as_ERR(LagStatus[] partitions, LagStatus expected) =>
        Assert.Equal(expected, BurrowEvaluator.EvaluateGroup(partitions));
}
