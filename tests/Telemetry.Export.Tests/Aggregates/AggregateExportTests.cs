using Telemetry.Domain.Aggregation;
using Telemetry.Export.Aggregates;
using Telemetry.Export.Pipeline;
using Telemetry.Export.Tests.Ingestion;
using Telemetry.Testing.Time;

namespace Telemetry.Export.Tests.Aggregates;

public sealed class AggregateExportTests
{
    [Fact]
    public async Task Known_stream_arrives_with_exactly_the_core_numbers_names_and_dimensions()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var stream = KnownStream.Create();

        foreach (var batch in stream.Batches())
        {
            await export.Sink.WriteAsync(batch, CancellationToken.None);
        }

        export.Flush();

        var captured = endpoint.Metrics;
        Assert.Equal(8, stream.Expected.Count);
        foreach (var (series, expected) in stream.Expected)
        {
            ExportAssert.MatchesCore(captured, series, expected);
        }

        // Nothing besides those points under the aggregate names: one point per series and statistic.
        var expectedPoints = stream.Expected.Keys.Sum(s => AggregateMetricNames.StatisticsOf(s.Name, s.Unit).Count);
        Assert.Equal(expectedPoints, captured.Aggregates(stream.Expected.Keys).Count());

        // The quantiles are real quantiles of a skewed distribution, not a copy of one number.
        var latency = stream.Expected[KnownStream.Duration("default", "ok")];
        Assert.True(latency.Quantile(0.5) < latency.Quantile(0.95) && latency.Quantile(0.95) < latency.Quantile(0.99));
        Assert.Contains(captured, m => m.Name == "snakepit.request.executed.duration.p99");
        Assert.Contains(captured, m => m.Name == "snakepit.request.executed.count" && m.Properties["pool"] == "gpu");
        Assert.Contains(captured, m => m.Name == "snakepit.request.executed.duration.count" && m.Properties.ContainsKey("otel.metric.overflow"));
    }

    [Fact]
    public async Task An_aggregate_is_sent_once_and_not_repeated_by_later_collections()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var stream = KnownStream.Create(events: 60);
        foreach (var batch in stream.Batches())
        {
            await export.Sink.WriteAsync(batch, CancellationToken.None);
        }

        export.Flush();
        var first = endpoint.Metrics.Aggregates(stream.Expected.Keys).Count();
        export.Flush();
        export.Flush();

        Assert.True(first > 0);
        Assert.Equal(first, endpoint.Metrics.Aggregates(stream.Expected.Keys).Count());
    }

    [Fact]
    public async Task Partial_aggregates_of_one_minute_from_several_batches_and_partitions_arrive_as_one_point()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var series = KnownStream.Duration("default", "ok");
        var whole = new Distribution();
        var batches = new List<TestBatch>();
        for (var partition = 0; partition < 3; partition++)
        {
            var part = new Distribution();
            foreach (var v in new[] { 1.5, 20.25, 0.000001, 333.333333 })
            {
                part.Record(v * (partition + 1));
                whole.Record(v * (partition + 1));
            }

            batches.Add(new TestBatch("t", partition, -1, [(0, new MinuteAggregate(series, KnownStream.Minute, part))]));
        }

        foreach (var batch in batches)
        {
            await export.Sink.WriteAsync(batch, CancellationToken.None);
        }

        export.Flush();

        ExportAssert.MatchesCore(endpoint.Metrics, series, whole);
    }

    [Fact]
    public async Task A_backlog_of_ready_minutes_is_folded_into_one_point_per_series_with_the_merged_numbers()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var first = KnownStream.Create(events: 80, seed: 1, minute: KnownStream.Minute);
        var second = KnownStream.Create(events: 80, seed: 2, minute: KnownStream.Minute.AddMinutes(1));
        foreach (var stream in new[] { first, second })
        {
            foreach (var batch in stream.Batches())
            {
                await export.Sink.WriteAsync(batch, CancellationToken.None);
            }
        }

        export.Flush();

        foreach (var series in first.Expected.Keys.Union(second.Expected.Keys))
        {
            var merged = new Distribution();
            foreach (var stream in new[] { first, second })
            {
                if (stream.Expected.TryGetValue(series, out var d))
                {
                    merged.Merge(d);
                }
            }

            ExportAssert.MatchesCore(endpoint.Metrics, series, merged);
        }

        // The fold is counted while the gauges are read, so the counter reports it from the next collection.
        export.Flush();
        var folded = endpoint.Metrics.Where(m => m.Name == TelemetryExportMeters.AggregatesFoldedMetricName).Sum(m => m.Value);
        Assert.Equal(first.Expected.Keys.Intersect(second.Expected.Keys).Count(), folded);
    }

    [Fact]
    public async Task A_minute_is_held_until_it_has_ended_and_its_grace_has_passed()
    {
        var minute = new DateTimeOffset(2026, 11, 23, 12, 30, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(minute.AddSeconds(40));
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint, new Dictionary<string, string?> { ["Export:WindowGraceSeconds"] = "30" }, clock);
        var stream = KnownStream.Create(events: 40, minute: minute);
        foreach (var batch in stream.Batches())
        {
            await export.Sink.WriteAsync(batch, CancellationToken.None);
        }

        export.Flush();
        Assert.Empty(endpoint.Metrics.Aggregates(stream.Expected.Keys));

        clock.Now = minute.AddSeconds(89);
        export.Flush();
        Assert.Empty(endpoint.Metrics.Aggregates(stream.Expected.Keys));

        clock.Now = minute.AddSeconds(90);
        export.Flush();
        foreach (var (series, expected) in stream.Expected)
        {
            ExportAssert.MatchesCore(endpoint.Metrics, series, expected);
        }
    }

    [Fact]
    public async Task A_redelivered_batch_is_not_published_twice_and_an_overlapping_one_adds_only_its_new_records()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var series = KnownStream.Bytes("tcp");
        var records = Enumerable.Range(0, 10)
            .Select(i =>
            {
                var d = new Distribution();
                d.Record(100 + i);
                return ((long)i, new MinuteAggregate(series, KnownStream.Minute, d));
            })
            .ToList();

        await export.Sink.WriteAsync(new TestBatch("t", 0, -1, records[..6]), CancellationToken.None);
        // Redelivered after a failed commit: the same range again, then a larger batch that overlaps it.
        await export.Sink.WriteAsync(new TestBatch("t", 0, -1, records[..6]), CancellationToken.None);
        await export.Sink.WriteAsync(new TestBatch("t", 0, -1, records), CancellationToken.None);
        export.Flush();

        var expected = new Distribution();
        foreach (var (_, aggregate) in records)
        {
            expected.Merge(aggregate.Distribution);
        }

        ExportAssert.MatchesCore(endpoint.Metrics, series, expected);
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_aggregate_counts_it_and_never_blocks_the_caller()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint, new Dictionary<string, string?> { ["Export:MaxPendingAggregates"] = "2" });
        MetricSeries[] series = [KnownStream.Bytes("a"), KnownStream.Bytes("b"), KnownStream.Bytes("c")];
        var writes = new List<Task>();
        for (var i = 0; i < series.Length; i++)
        {
            var d = new Distribution();
            d.Record(i + 1);
            writes.Add(export.Sink.WriteAsync(new TestBatch("t", 0, i - 1, [(i, new MinuteAggregate(series[i], KnownStream.Minute, d))]), CancellationToken.None));
        }

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        export.Flush();

        var captured = endpoint.Metrics;
        Assert.DoesNotContain(captured, m => m.Name == "emqtt.socket.recv_data.bytes.count" && m.Properties["socket_type"] == "a");
        Assert.Contains(captured, m => m.Name == "emqtt.socket.recv_data.bytes.count" && m.Properties["socket_type"] == "b");
        Assert.Contains(captured, m => m.Name == "emqtt.socket.recv_data.bytes.count" && m.Properties["socket_type"] == "c");
        var dropped = Assert.Single(captured, m => m.Name == TelemetryExportMeters.AggregatesDroppedMetricName && m.Properties["reason"] == "buffer_full");
        Assert.Equal(1, dropped.Value);
    }

    [Fact]
    public async Task Past_the_series_bound_the_smallest_series_are_merged_exactly_into_the_overflow_series()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint, new Dictionary<string, string?> { ["Export:MaxSeriesPerMetric"] = "3" });
        var records = new List<(long, MinuteAggregate)>();
        var distributions = new Dictionary<string, Distribution>();
        string[] sockets = ["a", "b", "c", "d", "e"];
        for (var i = 0; i < sockets.Length; i++)
        {
            var d = new Distribution();
            for (var n = 0; n <= i; n++)
            {
                d.Record(10.125 * (n + 1) + i);
            }

            distributions[sockets[i]] = d;
            records.Add((i, new MinuteAggregate(KnownStream.Bytes(sockets[i]), KnownStream.Minute, d)));
        }

        await export.Sink.WriteAsync(new TestBatch("t", 0, -1, records), CancellationToken.None);
        export.Flush();
        export.Flush();

        // The two largest series keep their dimensions; a, b and c are merged into the overflow series, exactly.
        ExportAssert.MatchesCore(endpoint.Metrics, KnownStream.Bytes("e"), distributions["e"]);
        ExportAssert.MatchesCore(endpoint.Metrics, KnownStream.Bytes("d"), distributions["d"]);
        var overflow = new Distribution();
        foreach (var s in new[] { "a", "b", "c" })
        {
            overflow.Merge(distributions[s]);
        }

        ExportAssert.MatchesCore(endpoint.Metrics, new MetricSeries("emqtt.socket.recv_data.bytes", "By", [new("otel.metric.overflow", "true")]), overflow);
        Assert.DoesNotContain(endpoint.Metrics, m => m.Properties.GetValueOrDefault("socket_type") is "a" or "b" or "c");
        Assert.Equal(3, endpoint.Metrics.Where(m => m.Name == TelemetryExportMeters.SeriesOverflowedMetricName).Sum(m => m.Value));
    }
}
