using Telemetry.Domain.Aggregation;
using Telemetry.Export.Tests.Ingestion;

namespace Telemetry.Export.Tests.Aggregates;

public sealed class CoreProcessingExportTests
{
    // Per-event ids and payload-bearing metadata must never become an exported dimension.
    private static readonly string[] ForbiddenKeys = ["offset", "pid", "payload", "data", "request_id", "worker_id", "client_id", "trace_id", "key"];

    [Fact]
    public async Task Envelopes_run_through_the_core_arrive_in_Azure_Monitor_with_the_cores_numbers()
    {
        await using var endpoint = await IngestionEndpoint.StartAsync();
        await using var export = ExportHarness.Standalone(endpoint);
        var topic = "core-" + Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var expected = new Dictionary<MetricSeries, Distribution>();

        foreach (var finalised in CoreBatches.Sample(topic, start, seed: 7, eventsPerSecond: 20, batches: 3, batchSize: 400))
        {
            foreach (var aggregate in finalised.Aggregates)
            {
                if (!expected.TryGetValue(aggregate.Series, out var total))
                {
                    total = new Distribution();
                    expected.Add(aggregate.Series, total);
                }

                total.Merge(aggregate.Distribution);
            }

            await export.Sink.WriteAsync(finalised, CancellationToken.None);
            // The host redelivers a batch whose commit failed; it must not count twice in Azure Monitor either.
            await export.Sink.WriteAsync(finalised, CancellationToken.None);
        }

        export.Flush();

        var captured = endpoint.Metrics;
        Assert.True(expected.Count > 20, $"only {expected.Count} series: the sample should cover every family");
        foreach (var (series, distribution) in expected)
        {
            // Several minutes of one series were ready at once, so they arrive folded into one point.
            ExportAssert.MatchesCore(captured, series, distribution);
        }

        Assert.All(captured.Aggregates(expected.Keys), m => Assert.DoesNotContain(m.Properties.Keys, k => ForbiddenKeys.Contains(k)));
        Assert.Contains(captured, m => m.Name.EndsWith(".p95", StringComparison.Ordinal));
    }
}
