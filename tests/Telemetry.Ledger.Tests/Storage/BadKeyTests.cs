using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class BadKeyTests
{
    private readonly AzuriteFixture _azurite;

    public BadKeyTests(AzuriteFixture azurite) => _azurite = azurite;

    public static TheoryData<string> Values => new()
    {
        "a/b\\c#d?e",
        "tab\there\nnewline\u0000nul\u007fdel\u009fc1",
        "quote'it''s, =|%~ 100% ~done~",
        "Zürich-東京-Москва-القاهرة-🚀👩‍🚀",
        new string('v', 3000),
        string.Concat(Enumerable.Repeat("/#?🚀", 2000)),
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Dimension_values_are_stored_and_read_back_faithfully(string value)
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var series = new MetricSeries("emqtt.socket.closed.count", "{event}", [new("reason", value), new("listener", "tcp:default")]);
        var other = new MetricSeries("emqtt.socket.closed.count", "{event}", [new("reason", value + "x"), new("listener", "tcp:default")]);
        var t = new DateTimeOffset(2026, 5, 1, 12, 30, 0, TimeSpan.Zero);
        var records = new List<TestRecord>
        {
            new(0, series, t, 1), new(1, series, t.AddSeconds(5), 1), new(2, other, t, 1),
        };
        await ledger.Sink.WriteAsync(new RecordedBatch("emqtt/sockets#1", 0, -1, 2, records), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch("emqtt/sockets#1", 0, -1, 2, records), CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());

        var summary = await ledger.Queries.GetMetricAsync(
            new MetricQuery(series.Name, t, t.AddMinutes(1)) { Dimensions = new Dictionary<string, string> { ["reason"] = value } }, CancellationToken.None);
        Assert.Equal(2, summary.Count);
        var bySeries = await ledger.Queries.GetMetricBySeriesAsync(new MetricQuery(series.Name, t, t.AddMinutes(1)), CancellationToken.None);
        Assert.Contains(bySeries, s => s.Dimensions.Any(d => d.Key == "reason" && d.Value == value) && s.Count == 2);
    }

    [Fact]
    public async Task A_very_long_metric_name_and_many_dimensions_are_stored_faithfully()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var dims = Enumerable.Range(0, 40).Select(i => new KeyValuePair<string, string>("key/" + i, new string((char)('a' + (i % 26)), 500)));
        var series = new MetricSeries("snakepit." + new string('n', 900) + ".duration", "ms", dims);
        var t = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 50).Select(i => new TestRecord(i, series, t.AddSeconds(i), i * 1.5)).ToList();
        await ledger.Sink.WriteAsync(new RecordedBatch("t", 0, -1, 49, records), CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task Sums_beyond_64_bits_of_micro_units_are_exact()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var series = new MetricSeries("kafee.batch.process_end.batch_bytes", "By", []);
        var t = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        // 9e12 bytes is 9e18 micro-units: two of them overflow Int64, their sum must not.
        var records = Enumerable.Range(0, 4).Select(i => new TestRecord(i, series, t, 9e12)).ToList();
        foreach (var batch in RecordedBatch.Split("t", 0, records, -1, [0, 1, 2, 3]))
        {
            await ledger.Sink.WriteAsync(batch, CancellationToken.None);
        }

        var rows = await ledger.Queries.ReadMinuteAggregatesAsync(t, t.AddMinutes(1), series.Name, CancellationToken.None);
        Assert.Equal((Int128)36e18, Assert.Single(rows).Distribution.SumMicros);
    }
}
