using Azure;
using Telemetry.DevServices.Azurite;
using Telemetry.Ledger.Tests.Support;
using Xunit;

namespace Telemetry.Ledger.Tests.Aggregates;

/// <summary>Stops and restarts its own Azurite, so it does not share the collection's.</summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const string Topic = "snakepit.workers";
    private AzuriteProcess? _azurite;

    private AzuriteProcess Azurite => _azurite!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task Writes_fail_while_storage_is_down_and_a_redelivery_after_restart_loses_and_doubles_nothing()
    {
        using var ledger = new LedgerHarness(Azurite.ConnectionString);
        var records = Records.Generate(seed: 21, count: 3000, seriesCount: 8, minutes: 4);
        var batches = RecordedBatch.Split(Topic, 0, records, -1, [999, 1999, 2999]);
        await ledger.Sink.WriteAsync(batches[0], CancellationToken.None);

        await Azurite.StopAsync();
        // The sink retries with backoff, then surfaces the failure so the caller does not commit the offsets.
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ledger.Sink.WriteAsync(batches[1], CancellationToken.None));
        Assert.True(failure is RequestFailedException or AggregateException, $"unexpected failure type {failure.GetType()}: {failure.Message}");

        await Azurite.StartAsync();
        // Kafka redelivers from the last committed offset; the first batch's data survived the restart.
        await ledger.Sink.WriteAsync(batches[1], CancellationToken.None);
        await ledger.Sink.WriteAsync(batches[2], CancellationToken.None);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }

    [Fact]
    public async Task A_write_in_flight_during_a_short_outage_backs_off_and_completes_once_storage_returns()
    {
        var patient = new Dictionary<string, string?>
        {
            ["Ledger:MaxRetries"] = "30",
            ["Ledger:RetryDelayMs"] = "100",
            ["Ledger:MaxRetryDelayMs"] = "500",
        };
        using var ledger = new LedgerHarness(Azurite.ConnectionString, settings: patient);
        var records = Records.Generate(seed: 22, count: 2000, seriesCount: 5, minutes: 2);
        var batches = RecordedBatch.Split(Topic, 4, records, -1, [999, 1999]);
        await ledger.Sink.WriteAsync(batches[0], CancellationToken.None);

        await Azurite.StopAsync();
        using var retries = new StorageRetries(Azurite.Port);
        var inFlight = ledger.Sink.WriteAsync(batches[1], CancellationToken.None);
        var operationsBefore = ledger.Tables.Counter.Operations;

        // Several retries against the stopped storage: the write met the outage and backed off instead of giving up.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (retries.Count < 3 && !inFlight.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.WhenAny(inFlight, Task.Delay(25));
        }

        Assert.True(retries.Count >= 3, $"the SDK retried {retries.Count} times against the stopped storage");
        Assert.False(inFlight.IsCompleted, "the write should still be retrying while storage is down");
        await Azurite.StartAsync();
        await inFlight;
        Assert.True(ledger.Tables.Counter.Operations > operationsBefore);

        var comparison = await ledger.CompareAsync(Records.Truth(records));
        Assert.True(comparison.IsExact, comparison.ToString());
    }
}
