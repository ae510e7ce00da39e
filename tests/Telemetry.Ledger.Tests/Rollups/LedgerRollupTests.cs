using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Ledger;
using Xunit;

namespace Telemetry.Ledger.Tests.Rollups;

[Collection(AzuriteCollection.Name)]
public sealed class LedgerRollupTests
{
    private const string Topic = "pipeline.events";
    private readonly AzuriteFixture _azurite;

    public LedgerRollupTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Rolling_up_twice_changes_nothing_and_rollups_equal_ground_truth_per_hour_and_day()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        // 22:50 to 00:20: three hours over two days, two source partitions.
        var a = Records.Generate(seed: 31, count: 3000, seriesCount: 9, minutes: 90);
        var b = Records.Generate(seed: 32, count: 1000, seriesCount: 9, minutes: 90);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 2999, a), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 1, -1, 999, b), CancellationToken.None);
        var now = Records.Start.AddDays(1);

        var first = await ledger.Rollup.RunAsync(now, CancellationToken.None);
        Assert.Equal(3, first.HoursRolled);
        Assert.Equal(2, first.DaysRolled);
        var hourly = await TableSnapshot.TakeAsync(ledger.Tables.Hourly);
        var daily = await TableSnapshot.TakeAsync(ledger.Tables.Daily);

        await ledger.Rollup.RunAsync(now, CancellationToken.None);
        Assert.Equal(hourly, await TableSnapshot.TakeAsync(ledger.Tables.Hourly));
        Assert.Equal(daily, await TableSnapshot.TakeAsync(ledger.Tables.Daily));

        var truth = Records.Truth(a.Concat(b));
        await AssertRollupsMatchAsync(ledger, truth);
    }

    [Fact]
    public async Task Late_data_into_a_rolled_hour_is_rolled_again()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var early = Records.Generate(seed: 33, count: 1000, seriesCount: 4, minutes: 8);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 999, early), CancellationToken.None);
        var now = Records.Start.AddHours(5);
        await ledger.Rollup.RunAsync(now, CancellationToken.None);

        // A partition that lagged behind delivers into the same, already rolled, hour.
        var late = Records.Generate(seed: 34, count: 500, seriesCount: 4, minutes: 8);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 3, -1, 499, late), CancellationToken.None);
        var second = await ledger.Rollup.RunAsync(now, CancellationToken.None);
        Assert.True(second.HoursRolled >= 1);

        await AssertRollupsMatchAsync(ledger, Records.Truth(early.Concat(late)));
    }

    [Fact]
    public async Task Retention_deletes_minute_rows_only_after_rolling_them_and_queries_still_answer_from_rollups()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Ledger:MinuteRetentionDays"] = "7",
            ["Ledger:NotableRetentionDays"] = "30",
        });
        var records = Records.Generate(seed: 35, count: 2000, seriesCount: 6, minutes: 30);
        var oldNotable = new NotableEvent(NotableEventKind.FailedEvent, Records.Start.AddDays(-40), "event_pipeline.event.executed", "t/0/1", "boom", 12, new Dictionary<string, string>());
        var recentNotable = oldNotable with { Time = Records.Start.AddDays(19), Origin = "t/0/2" };
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 1999, records, [oldNotable, recentNotable]), CancellationToken.None);
        var now = Records.Start.AddDays(20);

        var result = await ledger.Rollup.RunAsync(now, CancellationToken.None);
        Assert.Equal(await CountMinuteRowsWrittenAsync(records), result.MinuteRowsDeleted);
        Assert.Equal(1, result.NotableEventsDeleted);
        Assert.Empty(await ledger.Queries.ReadMinuteAggregatesAsync(Records.Start.AddDays(-1), now, null, CancellationToken.None));
        var failed = await ledger.Queries.GetFailedEventsAsync(Records.Start.AddDays(-60), now, CancellationToken.None);
        Assert.Equal("t/0/2", Assert.Single(failed).Origin);

        var truth = Records.Truth(records);
        await AssertRollupsMatchAsync(ledger, truth);
        var metric = truth.Windows.Keys.First().Series.Name;
        var expected = Merge(truth.Windows.Where(w => w.Key.Series.Name == metric).Select(w => w.Value));
        var auto = await ledger.Queries.GetMetricAsync(new MetricQuery(metric, Records.Start.AddDays(-2), now), CancellationToken.None);
        Assert.Equal(expected, auto.Distribution);

        // A replay that old arrives after retention sealed the hour: it is dropped, not double counted.
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 1999, records), CancellationToken.None);
        var again = await ledger.Rollup.RunAsync(now, CancellationToken.None);
        Assert.True(again.LateRowsDropped > 0);
        Assert.Equal(0, again.HoursRolled);
        await AssertRollupsMatchAsync(ledger, truth);
    }

    private static Task<int> CountMinuteRowsWrittenAsync(List<TestRecord> records) =>
        Task.FromResult(records.Select(r => (r.Series, MinuteLayout.FloorMinute(r.Time))).Distinct().Count());

    private static async Task AssertRollupsMatchAsync(LedgerHarness ledger, LedgerGroundTruth truth)
    {
        foreach (var series in truth.Windows.Keys.Select(k => k.Series).Distinct())
        {
            var windows = truth.Windows.Where(w => w.Key.Series.Equals(series)).ToList();
            foreach (var hour in windows.Select(w => MinuteLayout.FloorHour(w.Key.Window)).Distinct())
            {
                var expected = Merge(windows.Where(w => MinuteLayout.FloorHour(w.Key.Window) == hour).Select(w => w.Value));
                var got = await ledger.Queries.GetMetricAsync(Query(series, hour, hour.AddHours(1), QueryResolution.Hour), CancellationToken.None);
                Assert.True(expected.Equals(got.Distribution), $"{series} hour {hour:O}: count {got.Count} vs {expected.Count}");
            }

            foreach (var day in windows.Select(w => MinuteLayout.FloorDay(w.Key.Window)).Distinct())
            {
                var expected = Merge(windows.Where(w => MinuteLayout.FloorDay(w.Key.Window) == day).Select(w => w.Value));
                var got = await ledger.Queries.GetMetricAsync(Query(series, day, day.AddDays(1), QueryResolution.Day), CancellationToken.None);
                Assert.True(expected.Equals(got.Distribution), $"{series} day {day:O}: count {got.Count} vs {expected.Count}");
            }
        }
    }

    private static MetricQuery Query(MetricSeries series, DateTimeOffset from, DateTimeOffset to, QueryResolution resolution) =>
        new(series.Name, from, to) { Dimensions = series.Dimensions.ToDictionary(d => d.Key, d => d.Value), Resolution = resolution };

    private static Distribution Merge(IEnumerable<Distribution> parts)
    {
        var d = new Distribution();
        foreach (var p in parts)
        {
            d.Merge(p);
        }

        return d;
    }
}
