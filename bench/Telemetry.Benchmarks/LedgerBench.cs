using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.Ledger;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Storage;

namespace Telemetry.Benchmarks;

/// <summary>Wiring shared by the ledger benchmarks (the same classes AddTelemetryLedger registers).</summary>
internal static class LedgerBench
{
    public static LedgerTables Tables(string connectionString, out TableOperationCounter counter)
    {
        counter = new TableOperationCounter();
        var options = Options.Create(new LedgerOptions { ConnectionString = connectionString, TablePrefix = "b" + Guid.NewGuid().ToString("N")[..12] });
        return new LedgerTables(options, counter);
    }

    public static TableAggregateSink Sink(LedgerTables tables) =>
        new(tables, new NotableEventStore(tables), NullLogger<TableAggregateSink>.Instance);
}
