using System.Globalization;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Processing;

namespace Telemetry.Host;

/// <summary>
/// The <c>demo</c> command until the Kafka host lands: an embedded, deterministic stream of all five families
/// (a few malformed records among them) goes through the processing core partition by partition, batch by
/// batch, exactly as a host drives it, and the per-minute aggregates are printed.
/// </summary>
internal static class SampleStream
{
    public static int Run(TextWriter output, int recordsPerPartition = 6_000, int partitions = 3, int batchSize = 500)
    {
        var options = new IngestionOptions();
        var start = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var perMinute = new SortedDictionary<(DateTimeOffset Window, string Metric), (string Unit, Distribution Distribution)>();
        var dlq = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var notable = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long counted = 0, late = 0, overflow = 0;

        for (var partition = 0; partition < partitions; partition++)
        {
            var generator = new TelemetrySampleGenerator(seed: 42 + partition, start, eventsPerSecond: 40);
            var records = generator.Records("telemetry", partition, firstOffset: 0, recordsPerPartition, malformedRatio: 0.004);
            var processor = new TelemetryPartitionProcessor("telemetry", partition, options);
            var committed = -1L;
            for (var from = 0; from < records.Count; from += batchSize)
            {
                var slice = records.Skip(from).Take(batchSize).ToArray();
                var batch = processor.Decode(slice);
                for (var i = 0; i < batch.Count; i++)
                {
                    var outcome = batch[i];
                    if (outcome.IsMalformed)
                    {
                        dlq[outcome.ErrorKind!] = dlq.GetValueOrDefault(outcome.ErrorKind!) + 1;
                    }
                    else
                    {
                        counted++;
                    }
                }

                late += batch.LateCount;
                overflow += batch.OverflowCount;
                var through = slice[^1].Offset;
                var aggregates = batch.Finalise(committed, through);
                foreach (var a in aggregates.Aggregates)
                {
                    var key = (a.WindowStart, a.Series.Name);
                    if (!perMinute.TryGetValue(key, out var cell))
                    {
                        perMinute[key] = cell = (a.Series.Unit, new Distribution());
                    }

                    cell.Distribution.Merge(a.Distribution);
                }

                foreach (var n in aggregates.NotableEvents)
                {
                    notable[n.Kind.ToString()] = notable.GetValueOrDefault(n.Kind.ToString()) + 1;
                }

                committed = through;
            }
        }

        output.WriteLine($"Processed {partitions} partitions x {recordsPerPartition} records: {counted} counted, {dlq.Values.Sum()} to the DLQ, {late} late, {overflow} overflowed.");
        output.WriteLine($"DLQ by reason: {string.Join(", ", dlq.Select(kv => $"{kv.Key}={kv.Value}"))}");
        output.WriteLine($"Notable events: {string.Join(", ", notable.Select(kv => $"{kv.Key}={kv.Value}"))}");
        output.WriteLine();
        output.WriteLine($"{"minute (UTC)",-12} {"metric",-52} {"unit",-10} {"count",7} {"sum",14} {"p50",10} {"p95",10} {"p99",10} {"max",10}");
        foreach (var ((window, metric), (unit, d)) in perMinute)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{window,-12:HH:mm} {metric,-52} {unit,-10} {d.Count,7} {d.Sum,14:0.###} {d.Quantile(0.5),10:0.###} {d.Quantile(0.95),10:0.###} {d.Quantile(0.99),10:0.###} {d.Max,10:0.###}"));
        }

        return 0;
    }
}
