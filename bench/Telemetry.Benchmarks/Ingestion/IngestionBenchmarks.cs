using BenchmarkDotNet.Attributes;
using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Benchmarks.Ingestion;

/// <summary>
/// Decode + validate + aggregate of one batch of realistic envelopes from all five families, per event.
/// Ours: <see cref="PartitionDecoder.Decode"/> then the batch's minute aggregates materialised, as a host
/// does before its sinks. Baseline: <see cref="NaiveIngestion"/>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IngestionBenchmarks
{
    private const int BatchSize = 4096;

    private IReadOnlyList<ConsumedRecord> _records = [];
    private PartitionDecoder _processor = null!;
    private PartitionDecoder _reusing = null!;

    public double AverageEnvelopeBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        // Event time advances about one minute per batch, as on a busy partition; the same records are replayed
        // every invocation, so windows and series repeat (steady state).
        _records = new TelemetrySampleGenerator(seed: 7, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), eventsPerSecond: 70)
            .Records("telemetry", 0, firstOffset: 0, BatchSize);
        AverageEnvelopeBytes = _records.Average(r => r.Value.Length);
        Console.WriteLine($"// average envelope: {AverageEnvelopeBytes:0} bytes, {BatchSize} records per batch");
        _processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        _reusing = new PartitionDecoder("telemetry", 0, new IngestionOptions(), reuseAggregates: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchSize)]
    public int NaiveJsonDocument()
    {
        var naive = new NaiveIngestion();
        naive.Process(_records);
        return naive.Cells.Count;
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Processor()
    {
        var batch = _processor.Decode(_records);
        IReadOnlyList<MinuteAggregate> aggregates = batch.Finalise(-1, BatchSize - 1).Aggregates;
        return aggregates.Count;
    }

    /// <summary>The same, with the processor refilling its aggregate objects (hosts whose sinks copy): no allocation at all.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int ProcessorReusingAggregates()
    {
        var batch = _reusing.Decode(_records);
        return batch.Finalise(-1, BatchSize - 1).Aggregates.Count;
    }

    /// <summary>Decode + validate + series resolution only (what scales with events; aggregation scales with series).</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int DecodeOnly() => _processor.Decode(_records).MalformedCount;
}
