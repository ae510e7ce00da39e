using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Telemetry.Testing.Ledger;
using Xunit;

namespace Telemetry.Ledger.Tests.Aggregates;

/// <summary>The ledger fed by the real processing core (decode, aggregate, finalise), as a host feeds it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProcessingApiTests
{
    private const string Topic = "telemetry.raw";
    private readonly AzuriteFixture _azurite;

    public ProcessingApiTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Crashes_and_redeliveries_through_the_real_processor_leave_the_ledger_exact()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var records = new TelemetrySampleGenerator(seed: 51, start, eventsPerSecond: 20).Records(Topic, 0, 0, 4000);

        // Ground truth: one processor over the whole log, one finalised range, no ledger involved.
        var truth = new LedgerGroundTruth();
        var truthProcessor = new PartitionDecoder(Topic, 0, new IngestionOptions());
        var whole = truthProcessor.Decode(records).Finalise(-1, records[^1].Offset);
        foreach (var aggregate in whole.Aggregates)
        {
            truth.Add(aggregate);
        }

        // Run 1: batches of 700; the process dies half-way through writing the fourth batch, before its commit.
        var committed = -1L;
        var run1 = new PartitionDecoder(Topic, 0, new IngestionOptions());
        for (var batchNo = 0; batchNo < 4; batchNo++)
        {
            var slice = Slice(records, committed, 700);
            var aggregates = run1.Decode(slice).Finalise(committed, slice[^1].Offset);
            if (batchNo < 3)
            {
                await ledger.Sink.WriteAsync(aggregates, CancellationToken.None);
                committed = slice[^1].Offset;
                continue;
            }

            var plan = await ledger.Sink.PlanAsync(aggregates, CancellationToken.None);
            for (var i = 0; i < (plan.Count + 1) / 2; i++)
            {
                await ledger.Sink.SubmitAsync(plan[i], CancellationToken.None);
            }
        }

        // Run 2: a restarted process redelivers from the last commit with other batch sizes, and replays one batch twice.
        var run2 = new PartitionDecoder(Topic, 0, new IngestionOptions());
        foreach (var size in new[] { 450, 1300, 450, 2000 })
        {
            var slice = Slice(records, committed, size);
            if (slice.Count == 0)
            {
                break;
            }

            var aggregates = run2.Decode(slice).Finalise(committed, slice[^1].Offset);
            await ledger.Sink.WriteAsync(aggregates, CancellationToken.None);
            await ledger.Sink.WriteAsync(aggregates, CancellationToken.None);
            committed = slice[^1].Offset;
        }

        Assert.Equal(records[^1].Offset, committed);
        var comparison = await ledger.CompareAsync(truth);
        Assert.True(comparison.IsExact, comparison.ToString());
        Assert.True(comparison.WindowsCompared > 100, comparison.ToString());

        // Notable events (failures, slow events, dead letters) are stored once each, however often they were written.
        var kinds = Enum.GetValues<NotableEventKind>();
        var stored = await ledger.Queries.GetNotableEventsAsync(kinds, start.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.Equal(
            whole.NotableEvents.Select(e => (e.Kind, e.Origin)).Order().ToList(),
            stored.Select(e => (e.Kind, e.Origin)).Order().ToList());
    }

    private static List<ConsumedRecord> Slice(IReadOnlyList<ConsumedRecord> records, long after, int count) =>
        records.Where(r => r.Offset > after).Take(count).ToList();
}
