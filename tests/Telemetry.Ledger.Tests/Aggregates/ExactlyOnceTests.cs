using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Aggregates;

[Collection(AzuriteCollection.Name)]
public sealed class ExactlyOnceTests
{
    private const string Topic = "pipeline.events";
    private readonly AzuriteFixture _azurite;

    public ExactlyOnceTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Each_batch_once_equals_ground_truth()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var records = Records.Generate(seed: 1, count: 3000, seriesCount: 12, minutes: 90);
        foreach (var batch in RecordedBatch.Split(Topic, 0, records, -1, [499, 1499, 2999]))
        {
            await ledger.Sink.WriteAsync(batch, CancellationToken.None);
        }

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
        Assert.True(comparison.WindowsCompared > 12 * 60, "the data should span many series-minutes across two hours");
    }

    [Fact]
    public async Task Replaying_the_same_batch_adds_nothing()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var records = Records.Generate(seed: 2, count: 1000, seriesCount: 5, minutes: 3);
        var batches = RecordedBatch.Split(Topic, 3, records, -1, [399, 999]);
        foreach (var batch in batches.Concat(batches).Concat([batches[0]]))
        {
            await ledger.Sink.WriteAsync(batch, CancellationToken.None);
        }

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task Replays_cut_at_different_boundaries_count_every_record_once()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var records = Records.Generate(seed: 3, count: 2000, seriesCount: 8, minutes: 5);
        var random = new Random(3);
        for (var round = 0; round < 4; round++)
        {
            // Every round redelivers from a random committed point with random batch sizes, as a consumer restarted
            // after a crash would, with a different max.poll and fetch size each time.
            var from = round == 0 ? -1 : random.Next(-1, 1500);
            var cuts = new SortedSet<long>();
            while (cuts.Count < 5)
            {
                cuts.Add(random.Next(from + 1, 2000));
            }

            cuts.Add(1999);
            foreach (var batch in RecordedBatch.Split(Topic, 1, records, from, cuts))
            {
                await ledger.Sink.WriteAsync(batch, CancellationToken.None);
            }
        }

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task A_crash_between_transactions_then_any_replay_is_exact()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        // 250 series in one minute of one partition: one PartitionKey, three transactions.
        var records = Records.Generate(seed: 4, count: 5000, seriesCount: 250, minutes: 1);
        var first = new RecordedBatch(Topic, 2, -1, 2999, records);
        var plan = await ledger.Sink.PlanAsync(first, CancellationToken.None);
        Assert.True(plan.Count >= 3, $"expected the batch to need several transactions, got {plan.Count}");

        // The process dies after the first transaction: rows of that transaction carry the new watermark, the rest do not.
        await ledger.Sink.SubmitAsync(plan[0], CancellationToken.None);

        // Kafka redelivers from the last commit, but cut differently this time; then the rest of the partition.
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 2, -1, 1999, records), CancellationToken.None);
        var second = new RecordedBatch(Topic, 2, 1999, 4999, records);
        var plan2 = await ledger.Sink.PlanAsync(second, CancellationToken.None);
        await ledger.Sink.SubmitAsync(plan2[^1], CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 2, 1999, 3999, records), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 2, 3999, 4999, records), CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task Partitions_are_counted_apart_and_merged_on_read()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var a = Records.Generate(seed: 5, count: 800, seriesCount: 4, minutes: 2);
        var b = Records.Generate(seed: 6, count: 600, seriesCount: 4, minutes: 2);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 799, a), CancellationToken.None);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 1, -1, 599, b), CancellationToken.None);
        // The same offsets on another partition are other records: a replay of partition 0 must not touch partition 1.
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 799, a), CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(a.Concat(b)));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task The_ground_truth_comparison_catches_a_double_count()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var records = Records.Generate(seed: 7, count: 100, seriesCount: 2, minutes: 1);
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 0, -1, 99, records), CancellationToken.None);
        // Same records under another partition number: the ledger cannot know they are duplicates, truth can.
        await ledger.Sink.WriteAsync(new RecordedBatch(Topic, 9, -1, 49, records), CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.False(comparison.IsExact);
        Assert.Contains("count", comparison.ToString(), StringComparison.Ordinal);
    }
}
