using Microsoft.Azure.Functions.Worker;
using Telemetry.Ledger.Rollups;

namespace Telemetry.Functions.Ledger;

/// <summary>Rolls closed minutes up and applies retention; the rollup is idempotent, so a missed or doubled run is harmless.</summary>
public sealed class RollUpLedger(LedgerRollup rollup)
{
    [Function(nameof(RollUpLedger))]
    public async Task Run([TimerTrigger("%Rollup:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await rollup.RunAsync(TimeProvider.System.GetUtcNow(), cancellationToken);
}
