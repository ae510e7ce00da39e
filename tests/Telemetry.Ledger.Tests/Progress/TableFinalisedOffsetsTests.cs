using Telemetry.Ledger.Progress;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Progress;

[Collection(AzuriteCollection.Name)]
public sealed class TableFinalisedOffsetsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_partition_is_absent_until_raised_and_then_reads_back_per_topic_and_partition()
    {
        using var ledger = new LedgerHarness(azurite.ConnectionString);
        var offsets = new TableFinalisedOffsets(ledger.Tables);

        Assert.Empty(await offsets.ReadAsync([("orders/eu", 0)], CancellationToken.None));

        await offsets.RaiseAsync("orders/eu", 0, 41, CancellationToken.None);
        await offsets.RaiseAsync("orders/eu", 1, 7, CancellationToken.None);
        var read = await offsets.ReadAsync([("orders/eu", 0), ("orders/eu", 1), ("orders/eu", 2), ("orders#us", 0)], CancellationToken.None);

        Assert.Equal(new Dictionary<(string, int), long> { [("orders/eu", 0)] = 41, [("orders/eu", 1)] = 7 }, read);
    }

    [Fact]
    public async Task Raising_never_lowers_what_is_stored()
    {
        using var ledger = new LedgerHarness(azurite.ConnectionString);
        var offsets = new TableFinalisedOffsets(ledger.Tables);

        await offsets.RaiseAsync("telemetry", 3, 500, CancellationToken.None);
        await offsets.RaiseAsync("telemetry", 3, 120, CancellationToken.None);

        Assert.Equal(500, (await offsets.ReadAsync([("telemetry", 3)], CancellationToken.None))[("telemetry", 3)]);
    }

    [Fact]
    public async Task Instances_raising_at_once_leave_the_highest_offset()
    {
        using var ledger = new LedgerHarness(azurite.ConnectionString);
        var instances = Enumerable.Range(0, 4).Select(_ => new TableFinalisedOffsets(ledger.Tables)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => instances[i % 4].RaiseAsync("telemetry", 0, 100 + i, CancellationToken.None)));

        Assert.Equal(107, (await instances[0].ReadAsync([("telemetry", 0)], CancellationToken.None))[("telemetry", 0)]);
    }
}
