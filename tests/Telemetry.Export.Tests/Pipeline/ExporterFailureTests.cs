using Telemetry.Domain.Aggregation;
using Telemetry.Export.Tests.Aggregates;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Pipeline;

/// <summary>The ingestion endpoint fails or hangs: processing never waits for it, and what it refused arrives later.</summary>
public sealed class ExporterFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task After_500_then_429_with_Retry_After_the_data_arrives_later_and_recording_never_stalls()
    {
        var storage = ExportHarness.NewStorageDirectory();
        try
        {
            await using var endpoint = await IngestionEndpoint.StartAsync();
            var phases = new Dictionary<MetricSeries, Distribution>();
            var writes = new List<Task>();

            await using (var export = ExportHarness.Standalone(endpoint, storageDirectory: storage))
            {
                endpoint.Answer(IngestionMode.ServerError);
                writes.Add(Write(export, "refused-500", 0, phases));
                export.Flush();
                Assert.True(endpoint.AnswersWith(500) >= 1, "the exporter did not reach the failing endpoint");

                // The exporter now backs off (about 10 s after a 500) and then meets the throttling answer.
                endpoint.RetryAfterSeconds = 1;
                endpoint.Answer(IngestionMode.Throttle);
                writes.Add(Write(export, "refused-429", 1, phases));
                var offset = 2;
                var lastFlush = System.Diagnostics.Stopwatch.StartNew();
                var throttled = await endpoint.WaitUntilAsync(
                    e =>
                    {
                        // Processing keeps recording the whole time the endpoint refuses; a collection now and then
                        // lets the exporter try again once its back-off ends.
                        writes.Add(Write(export, "while-failing-" + offset, offset, phases));
                        offset++;
                        if (lastFlush.ElapsedMilliseconds >= 500)
                        {
                            export.Flush();
                            lastFlush.Restart();
                        }

                        return e.AnswersWith(429) >= 1;
                    },
                    Patience);
                Assert.True(throttled, "the exporter never met the 429 answer");
                Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully, "a recording call waited for the exporter"));

                endpoint.Answer(IngestionMode.Accept);
                writes.Add(Write(export, "accepted", offset, phases));
                export.Flush();
            }

            // What was refused was kept in offline storage; the shutdown drain or the next start sends it.
            await using var restarted = ExportHarness.Standalone(endpoint, storageDirectory: storage);
            _ = restarted.MeterProvider;
            var arrived = await endpoint.WaitUntilAsync(e => Missing(e.Metrics, phases.Keys).Count == 0, Patience);

            var captured = endpoint.Metrics;
            Assert.True(arrived, "refused data never arrived: " + string.Join(", ", Missing(captured, phases.Keys)));
            foreach (var (series, expected) in phases)
            {
                var points = captured.Where(m => m.Name == "emqtt.socket.recv_data.bytes.sum" && ExportAssert.HasDimensionsOf(m, series)).ToList();
                Assert.NotEmpty(points);
                Assert.All(points, p => Assert.Equal(expected.Sum, p.Value));
            }
        }
        finally
        {
            if (Directory.Exists(storage))
            {
                Directory.Delete(storage, recursive: true);
            }
        }
    }

    [Fact]
    public async Task While_the_endpoint_hangs_recording_calls_complete_and_their_data_is_sent_once_it_answers()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var phases = new Dictionary<MetricSeries, Distribution>();

        endpoint.Answer(IngestionMode.Block);
        await Write(export, "before-hang", 0, phases);
        var hungFlush = Task.Run(export.Flush);
        await endpoint.BlockedRequestArrived.WaitAsync(Patience);

        var writes = Enumerable.Range(1, 200).Select(i => Write(export, "during-hang-" + (i % 5), i, phases)).ToList();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully, "a recording call waited for the hung exporter"));
        Assert.False(hungFlush.IsCompleted, "the endpoint was expected to still be hanging");

        endpoint.Answer(IngestionMode.Accept);
        await hungFlush.WaitAsync(Patience);
        export.Flush();

        foreach (var (series, expected) in phases)
        {
            ExportAssert.MatchesCore(endpoint.Metrics, series, expected);
        }
    }

    private static List<MetricSeries> Missing(IReadOnlyList<CapturedMetric> captured, IEnumerable<MetricSeries> series)
    {
        var seen = captured.Where(m => m.Name == "emqtt.socket.recv_data.bytes.sum")
            .Select(m => m.Properties.TryGetValue("socket_type", out var v) ? v : null)
            .ToHashSet(StringComparer.Ordinal);
        return [.. series.Where(s => !seen.Contains(s["socket_type"]))];
    }

    private static Task Write(ExportHarness export, string phase, long offset, Dictionary<MetricSeries, Distribution> expected)
    {
        var series = KnownStream.Bytes(phase);
        var distribution = new Distribution();
        distribution.Record(1000 + offset);
        distribution.Record(0.5 * offset);
        if (!expected.TryGetValue(series, out var total))
        {
            total = new Distribution();
            expected.Add(series, total);
        }

        total.Merge(distribution);
        return export.Sink.WriteAsync(
            new TestBatch("failures", 0, offset - 1, [(offset, new MinuteAggregate(series, KnownStream.Minute, distribution))]),
            CancellationToken.None);
    }
}
