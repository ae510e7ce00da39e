using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Telemetry.Ledger;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Storage;

namespace Telemetry.Benchmarks;

/// <summary>
/// Events/s through core (per-minute aggregation) + ledger on Azurite, against the naive design (one upsert per
/// event) in the same run; BenchmarkDotNet's Ratio column is batched time / naive time for the same events.
/// Each iteration writes into fresh tables.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser(false)]
public class LedgerThroughputBenchmarks : AzuriteBenchmark
{
    private LedgerWorkload? _workload;
    private TableAggregateSink? _sink;
    private TableClient? _naive;

    /// <summary>Events per invocation: one minute of event time from three partitions, in consumer batches of 500.</summary>
    [Params(3_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        StartAzurite();
        _workload = LedgerWorkload.Create(Events, batchSize: 500, minutes: 1);
    }

    [IterationSetup]
    public void NewTables()
    {
        var tables = LedgerBench.Tables(Azurite!.ConnectionString, out _);
        _sink = LedgerBench.Sink(tables);
        tables.EnsureCreatedAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _naive = new TableServiceClient(Azurite.ConnectionString).GetTableClient("naive" + Guid.NewGuid().ToString("N")[..12]);
        _naive.CreateIfNotExists();
    }

    [Benchmark(Baseline = true, Description = "naive: one upsert per event")]
    public async Task NaiveUpsertPerEvent()
    {
        foreach (var batch in _workload!.Batches)
        {
            foreach (var r in batch.Records)
            {
                await _naive!.UpsertEntityAsync(new TableEntity($"{batch.Topic}|{batch.Partition}", r.Offset.ToString("D12", System.Globalization.CultureInfo.InvariantCulture))
                {
                    ["Metric"] = r.Series.Name,
                    ["Series"] = r.Series.ToString(),
                    ["Time"] = r.Time,
                    ["Value"] = r.Value,
                });
            }
        }
    }

    [Benchmark(Description = "ledger: aggregate + watermarked transactions")]
    public async Task AggregatedLedger()
    {
        foreach (var batch in _workload!.Batches)
        {
            await _sink!.WriteAsync(batch, CancellationToken.None);
        }
    }
}
