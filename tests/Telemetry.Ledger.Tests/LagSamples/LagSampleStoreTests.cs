using Telemetry.Ledger.LagSamples;
using Telemetry.Ledger.Tests.Support;
using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.LagSamples;

[Collection(AzuriteCollection.Name)]
public sealed class LagSampleStoreTests
{
    private readonly AzuriteFixture _azurite;

    public LagSampleStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task The_latest_samples_of_one_partition_come_back_newest_first()
    {
        using var ledger = new LedgerHarness(_azurite.ConnectionString);
        var t0 = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero);
        var samples = Enumerable.Range(0, 30)
            .Select(i => new LagSample("group/a", "orders#eu", i % 2, t0.AddSeconds(i * 10), 100 + i, 150 + (3 * i)))
            .ToList();
        await ledger.LagSamples.UpsertAsync(samples, CancellationToken.None);
        await ledger.LagSamples.UpsertAsync(samples.Take(5).ToList(), CancellationToken.None);

        var latest = await ledger.LagSamples.ReadLatestAsync("group/a", "orders#eu", 1, 3, CancellationToken.None);
        Assert.Equal([29, 27, 25], latest.Select(s => (int)(s.CommittedOffset - 100)));
        Assert.Equal(50 + (2 * 29), latest[0].Lag);
        Assert.Equal(15, (await ledger.LagSamples.ReadLatestAsync("group/a", "orders#eu", 0, 100, CancellationToken.None)).Count);
        Assert.Empty(await ledger.LagSamples.ReadLatestAsync("group/b", "orders#eu", 0, 5, CancellationToken.None));
    }
}
