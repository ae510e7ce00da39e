using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Storage;

namespace Telemetry.Benchmarks;

/// <summary>
/// Table operations (requests: query pages and transactions) per 1,000,000 events of the realistic mix, for a few
/// consumer batch sizes. The time column is the wall time of writing the million events; the operation count is
/// printed as "LEDGER-OPS" lines and is exact (it is counted, not sampled).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class LedgerOperationsBenchmarks : AzuriteBenchmark
{
    private LedgerWorkload? _workload;
    private TableAggregateSink? _sink;
    private TableOperationCounter? _counter;

    [Params(1_000, 5_000, 10_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        StartAzurite();
        _workload = LedgerWorkload.Create(1_000_000, BatchSize);
    }

    [IterationSetup]
    public void NewTables()
    {
        var tables = LedgerBench.Tables(Azurite!.ConnectionString, out _counter);
        tables.EnsureCreatedAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _sink = LedgerBench.Sink(tables);
        _counter.Reset();
    }

    [Benchmark(Description = "1,000,000 events through core + ledger")]
    public async Task MillionEvents()
    {
        foreach (var batch in _workload!.Batches)
        {
            await _sink!.WriteAsync(batch, CancellationToken.None);
        }
    }

    [IterationCleanup]
    public void Report() =>
        Console.WriteLine($"LEDGER-OPS batch={BatchSize} events={_workload!.Events} batches={_workload.Batches.Count} table-operations={_counter!.Operations}");
}
