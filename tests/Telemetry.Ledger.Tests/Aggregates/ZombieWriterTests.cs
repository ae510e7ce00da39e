using Telemetry.Ledger.Storage;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Aggregates;

[Collection(AzuriteCollection.Name)]
public sealed class ZombieWriterTests
{
    private const string Topic = "kafee.batches";
    private readonly AzuriteFixture _azurite;

    public ZombieWriterTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task A_writer_acting_on_stale_reads_is_rejected_and_nothing_is_double_counted()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        using var zombieHost = new LedgerHarness(_azurite.ConnectionString, ledger.TablePrefix);
        var records = Records.Generate(seed: 11, count: 1200, seriesCount: 6, minutes: 2);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 399, records), CancellationToken.None);

        // The old owner reads the partition's rows, then stalls (GC pause, network) and loses the partition.
        var zombiePlan = await zombieHost.Sink.PlanAsync(new RecordedBatch(Topic, 0, 399, 799, records), CancellationToken.None);

        // The new owner is redelivered from the last commit and writes first, with other batch boundaries.
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, 399, 999, records), CancellationToken.None);

        // The zombie wakes up and writes what it computed from its stale reads: the service rejects it.
        await Assert.ThrowsAsync<LedgerConcurrencyException>(() => zombieHost.Sink.SubmitAsync(zombiePlan[0], CancellationToken.None));

        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, 999, 1199, records), CancellationToken.None);
        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());

        // Even if the zombie retries its whole batch (re-reading), the watermarks make it a no-op.
        await zombieHost.Sink.WriteAsync(new RecordedBatch(Topic, 0, 399, 799, records), CancellationToken.None);
        comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task A_stale_add_of_a_new_row_is_rejected()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        using var zombieHost = new LedgerHarness(_azurite.ConnectionString, ledger.TablePrefix);
        var records = Records.Generate(seed: 12, count: 300, seriesCount: 3, minutes: 1);

        // Both plan on an empty ledger, so both plan to Add; only the first Add of a row can win.
        var zombiePlan = await zombieHost.Sink.PlanAsync(new RecordedBatch(Topic, 5, -1, 299, records), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 5, -1, 199, records), CancellationToken.None);
        await Assert.ThrowsAsync<LedgerConcurrencyException>(() => zombieHost.Sink.SubmitAsync(zombiePlan[0], CancellationToken.None));

        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 5, 199, 299, records), CancellationToken.None);
        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task Two_writers_racing_on_the_same_partition_end_exact()
    {
        // Racing writers keep invalidating each other's reads; give them room to re-read as often as it takes.
        var settings = new Dictionary<string, string?> { ["Ledger:ConflictRetries"] = "100" };
        using var a = new LedgerHarness(_azurite.ConnectionString, settings: settings);
        using var b = new LedgerHarness(_azurite.ConnectionString, a.TablePrefix, settings);
        var records = Records.Generate(seed: 13, count: 2000, seriesCount: 10, minutes: 3);
        var cutsA = new long[] { 299, 999, 1499, 1999 };
        var cutsB = new long[] { 599, 1199, 1999 };
        var writeA = Task.Run(async () =>
        {
            foreach (var batch in RecordedBatch.Split(Topic, 7, records, -1, cutsA))
            {
                await a.Sink.WriteAsync(batch, CancellationToken.None);
            }
        });
        var writeB = Task.Run(async () =>
        {
            foreach (var batch in RecordedBatch.Split(Topic, 7, records, -1, cutsB))
            {
                await b.Sink.WriteAsync(batch, CancellationToken.None);
            }
        });
        await Task.WhenAll(writeA, writeB);

        var comparison = await a.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }
}
