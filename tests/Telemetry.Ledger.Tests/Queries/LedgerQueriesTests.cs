using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Queries;

[Collection(AzuriteCollection.Name)]
public sealed class LedgerQueriesTests
{
    private const string Topic = "pipeline.events";
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly AzuriteFixture _azurite;

    public LedgerQueriesTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Metric_statistics_are_merged_across_partitions_and_windows_and_filtered_by_dimension()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var ok = Records.Series("event_pipeline.event.executed.duration", ("event", "Fetch"), ("status", "ok"));
        var failed = Records.Series("event_pipeline.event.executed.duration", ("event", "Fetch"), ("status", "failed"));
        var parse = Records.Series("event_pipeline.event.executed.duration", ("event", "Parse"), ("status", "ok"));
        var series = new[] { ok, failed, parse };
        var random = new Random(41);
        var p0 = Enumerable.Range(0, 1500).Select(i => new TestRecord(i, series[i % 3], T0.AddSeconds(i * 0.1), random.Next(1, 100_000) / 7.0)).ToList();
        var p1 = Enumerable.Range(0, 900).Select(i => new TestRecord(i, series[i % 3], T0.AddSeconds(i * 0.15), random.Next(1, 100_000) / 7.0)).ToList();
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 1499, p0), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 1, -1, 899, p1), CancellationToken.None);

        var fetch = await ledger.Queries.GetMetricAsync(
            new MetricQuery(ok.Name, T0, T0.AddMinutes(10)) { Dimensions = new Dictionary<string, string> { ["event"] = "Fetch" } }, CancellationToken.None);
        var expected = Expected(p0.Concat(p1).Where(r => r.Series["event"] == "Fetch"));
        Assert.Equal(expected, fetch.Distribution);
        Assert.Equal(expected.Count, fetch.Count);
        Assert.Equal(expected.Sum, fetch.Sum, 6);
        Assert.Equal(expected.Min, fetch.Min);
        Assert.Equal(expected.Max, fetch.Max);
        Assert.Equal(expected.Mean, fetch.Average, 9);
        Assert.Equal(expected.Quantile(0.5), fetch.P50);
        Assert.Equal(expected.Quantile(0.95), fetch.P95);
        Assert.Equal(expected.Quantile(0.99), fetch.P99);
        Assert.Equal(2, fetch.SeriesCount);
        var sorted = p0.Concat(p1).Where(r => r.Series["event"] == "Fetch").Select(r => r.Value).Order().ToList();
        Assert.InRange(fetch.P95, sorted[(int)(0.95 * (sorted.Count - 1))] * 0.99, sorted[(int)(0.95 * (sorted.Count - 1))] * 1.01);

        // One series, part of the range: only the records whose event time falls in it.
        var window = await ledger.Queries.GetMetricAsync(
            new MetricQuery(ok.Name, T0.AddMinutes(1), T0.AddMinutes(2)) { Dimensions = ok.Dimensions.ToDictionary(d => d.Key, d => d.Value) }, CancellationToken.None);
        Assert.Equal(Expected(p0.Concat(p1).Where(r => r.Series.Equals(ok) && r.Time >= T0.AddMinutes(1) && r.Time < T0.AddMinutes(2))), window.Distribution);

        var bySeries = await ledger.Queries.GetMetricBySeriesAsync(new MetricQuery(ok.Name, T0, T0.AddMinutes(10)), CancellationToken.None);
        Assert.Equal(3, bySeries.Count);
        Assert.Equal(p0.Count + p1.Count, bySeries.Sum(s => s.Count));
    }

    [Fact]
    public async Task Auto_resolution_after_rollup_answers_the_same_as_minute_rows()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var records = Records.Generate(seed: 42, count: 4000, seriesCount: 6, minutes: 36 * 60, start: new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero));
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 3999, records), CancellationToken.None);
        await ledger.Rollup.RunAsync(new DateTimeOffset(2026, 7, 3, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

        var metric = records[0].Series.Name;
        // Partial hours at both ends, whole hours, and a whole day in between.
        var query = new MetricQuery(metric, new DateTimeOffset(2026, 7, 1, 7, 45, 0, TimeSpan.Zero), new DateTimeOffset(2026, 7, 2, 18, 20, 0, TimeSpan.Zero));
        var auto = await ledger.Queries.GetMetricAsync(query, CancellationToken.None);
        var minutes = await ledger.Queries.GetMetricAsync(query with { Resolution = QueryResolution.Minute }, CancellationToken.None);
        Assert.Equal(minutes.Distribution, auto.Distribution);
        Assert.Equal(Expected(records.Where(r => r.Series.Name == metric && r.Time >= query.From && r.Time < query.To)), auto.Distribution);
    }

    [Fact]
    public async Task Failed_and_slow_events_and_network_operations_come_from_notable_events_stored_once()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var none = new Dictionary<string, string>();
        var notable = new List<NotableEvent>
        {
            new(NotableEventKind.FailedEvent, T0.AddSeconds(1), "event_pipeline.event.executed", "pipeline.events/0/10", "ValueError: bad input", 15, new Dictionary<string, string> { ["event"] = "Parse" }),
            new(NotableEventKind.SlowEvent, T0.AddSeconds(2), "event_pipeline.event.executed", "pipeline.events/0/11", null, 2500, none),
            new(NotableEventKind.SlowEvent, T0.AddSeconds(3), "event_pipeline.event.executed", "pipeline.events/0/12", null, 1200, none),
            new(NotableEventKind.FailedNetworkOperation, T0.AddSeconds(4), "event_pipeline.network.operation", "pipeline.events/0/13", "ConnectionRefused", 30, new Dictionary<string, string> { ["host"] = "10.0.0.5", ["port"] = "8080" }),
            new(NotableEventKind.SlowNetworkOperation, T0.AddSeconds(5), "event_pipeline.network.operation", "pipeline.events/0/14", null, 1500, none),
            new(NotableEventKind.SlowNetworkOperation, T0.AddSeconds(6), "event_pipeline.network.operation", "pipeline.events/0/15", null, 900, none),
        };
        var records = Records.Generate(seed: 43, count: 20, seriesCount: 2, minutes: 1, start: T0);
        var batch = new RecordedBatch(Topic, 0, -1, 19, records, notable);
        await ledger.Sink.WriteAsync(batch, CancellationToken.None);
        await ledger.Sink.WriteAsync(batch, CancellationToken.None);

        var from = T0;
        var to = T0.AddHours(1);
        var failed = await ledger.Queries.GetFailedEventsAsync(from, to, CancellationToken.None);
        var single = Assert.Single(failed);
        Assert.Equal("ValueError: bad input", single.Reason);
        Assert.Equal("Parse", single.Attributes["event"]);
        Assert.Equal(["pipeline.events/0/11"], (await ledger.Queries.GetSlowEventsAsync(2.0, from, to, CancellationToken.None)).Select(e => e.Origin));
        Assert.Equal(2, (await ledger.Queries.GetSlowEventsAsync(1.0, from, to, CancellationToken.None)).Count);
        Assert.Equal("10.0.0.5", Assert.Single(await ledger.Queries.GetFailedNetworkOperationsAsync(from, to, CancellationToken.None)).Attributes["host"]);
        Assert.Equal(["pipeline.events/0/14"], (await ledger.Queries.GetSlowNetworkOperationsAsync(1.0, from, to, CancellationToken.None)).Select(e => e.Origin));
        Assert.Empty(await ledger.Queries.GetFailedEventsAsync(to, to.AddHours(1), CancellationToken.None));

        // Poller findings go through the notable sink, idempotently too.
        var lag = new NotableEvent(NotableEventKind.LagStatusChange, T0.AddSeconds(7), "kafka.consumer.lag", "group-a/pipeline.events/0", "growing", null, none);
        await ledger.NotableSink.WriteAsync([lag, lag], CancellationToken.None);
        await ledger.NotableSink.WriteAsync([lag], CancellationToken.None);
        Assert.Single(await ledger.Queries.GetNotableEventsAsync([NotableEventKind.LagStatusChange], from, to, CancellationToken.None));
    }

    [Fact]
    public async Task Retry_statistics_combine_pipeline_retries_and_kafee_retries_and_dead_letters()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var names = new RetryMetricNames();
        var retries = new MetricSeries(names.EventRetries, "{retry}", [new("event", "Fetch")]);
        var messageRetry = new MetricSeries(names.MessageRetryCount, "{event}", [new("topic", "orders")]);
        var dlq = new MetricSeries(names.DeadLetterCount, "{event}", [new("topic", "orders")]);
        var retryCounts = new[] { 0, 0, 0, 1, 2, 0, 3, 0, 1, 0 };
        var records = retryCounts.Select((n, i) => new TestRecord(i, retries, T0.AddSeconds(i), n))
            .Concat(Enumerable.Range(10, 7).Select(i => new TestRecord(i, messageRetry, T0.AddSeconds(i), 1)))
            .Concat(Enumerable.Range(17, 2).Select(i => new TestRecord(i, dlq, T0.AddSeconds(i), 1)))
            .ToList();
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 18, records), CancellationToken.None);

        var stats = await ledger.Queries.GetRetryStatisticsAsync(T0, T0.AddHours(1), null, CancellationToken.None);
        Assert.Equal(10, stats.EventRetries.Count);
        Assert.Equal(7, stats.EventRetries.Sum);
        Assert.Equal(3, stats.EventRetries.Max);
        Assert.Equal(4, stats.EventsRetried);
        Assert.Equal(7, stats.MessageRetries);
        Assert.Equal(2, stats.DeadLetters);
    }

    private static Distribution Expected(IEnumerable<TestRecord> records)
    {
        var d = new Distribution();
        foreach (var r in records)
        {
            d.Record(r.Value);
        }

        return d;
    }
}
