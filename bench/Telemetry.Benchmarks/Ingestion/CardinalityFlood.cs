using System.Globalization;
using System.Text;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;

namespace Telemetry.Benchmarks.Ingestion;

/// <summary>
/// Floods one partition's processor with distinct dimension values (one new <c>pool</c> per event, spread over
/// <c>--minutes</c> minutes of event time), then sends a steady stream for as many minutes again, batch by batch as the
/// host does (decode, finalise, hand over the aggregates). Reports the managed heap after a forced full GC and the
/// processor's interned state at each stage, for the processor as shipped and, in the same run, with compaction off
/// (how it behaved before): a memory figure, not a speed one.
/// </summary>
internal static class CardinalityFlood
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static void Run(string[] args)
    {
        var values = Option(args, "--values", 1_000_000);
        var minutes = Option(args, "--minutes", 10);
        var batchSize = Option(args, "--batch", 500);
        Console.WriteLine($"Flood: {values:N0} distinct pool values over {minutes} minutes of event time, then {minutes} steady minutes; batches of {batchSize}; default Ingestion settings (cap 2000 series per metric per minute).");
        Console.WriteLine();
        Console.WriteLine($"{"processor",-16} {"stage",-22} {"heap after GC",14} {"series",9} {"tuples",9} {"values",9} {"admissions",11} {"later new values own series",28}");
        foreach (var compacts in (bool[])[true, false])
        {
            RunOne(compacts, values, minutes, batchSize);
        }
    }

    private static void RunOne(bool compacts, int values, int minutes, int batchSize)
    {
        var name = compacts ? "compacting" : "no compaction";
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions()) { Compacts = compacts };
        long offset = 0;

        // Warm-up: the steady stream alone, so the baseline holds the processor's working set.
        Steady(processor, ref offset, Start.AddMinutes(-5), 5, batchSize, fresh: null);
        Report(name, "baseline", processor, null);

        var perMinute = values / minutes;
        var peak = 0L;
        for (var m = 0; m < minutes; m++)
        {
            var time = Start.AddMinutes(m);
            for (var i = 0; i < perMinute; i += batchSize)
            {
                var count = Math.Min(batchSize, perMinute - i);
                var batch = new List<ConsumedRecord>(count);
                for (var j = 0; j < count; j++)
                {
                    var value = (m * perMinute) + i + j;
                    batch.Add(Record(offset++, Envelope($"flood_{value.ToString(CultureInfo.InvariantCulture)}", time.AddMilliseconds(j))));
                }

                Process(processor, batch);
            }

            peak = Math.Max(peak, Heap());
        }

        Report(name, "end of flood (peak)", processor, peak);

        // The flood's minutes close; later minutes each bring 50 values never seen before.
        var ownSeries = Steady(processor, ref offset, Start.AddMinutes(minutes + 3), minutes, batchSize, fresh: 50);
        Report(name, "flood windows closed", processor, null, ownSeries);
        Console.WriteLine();
        GC.KeepAlive(processor);
    }

    /// <summary>Steady traffic (20 known pools) for some minutes; returns how many fresh values got a series of their own.</summary>
    private static string Steady(PartitionDecoder processor, ref long offset, DateTimeOffset from, int minutes, int batchSize, int? fresh)
    {
        int own = 0, sent = 0;
        for (var m = 0; m < minutes; m++)
        {
            var time = from.AddMinutes(m);
            var batch = new List<ConsumedRecord>(batchSize);
            for (var j = 0; j < batchSize; j++)
            {
                batch.Add(Record(offset++, Envelope($"steady_{j % 20}", time.AddMilliseconds(j * 10))));
            }

            for (var f = 0; f < (fresh ?? 0); f++)
            {
                batch.Add(Record(offset++, Envelope($"fresh_{m}_{f}", time.AddSeconds(30))));
            }

            var aggregates = Process(processor, batch);
            sent += fresh ?? 0;
            own += aggregates.Count(a => a.Series.Name == "snakepit.request.executed.count" && a.Series["pool"] is { } pool && pool.StartsWith("fresh_", StringComparison.Ordinal));
        }

        return fresh is null ? "" : $"{own}/{sent}";
    }

    private static IReadOnlyList<Domain.Aggregation.MinuteAggregate> Process(PartitionDecoder processor, List<ConsumedRecord> batch)
    {
        var decoded = processor.Decode(batch);
        return decoded.Finalise(batch[0].Offset - 1, batch[^1].Offset).Aggregates;
    }

    private static void Report(string name, string stage, PartitionDecoder processor, long? heap, string ownSeries = "")
    {
        var bytes = heap ?? Heap();
        Console.WriteLine($"{name,-16} {stage,-22} {bytes / 1048576.0,11:F1} MiB {processor.SeriesCount,9:N0} {processor.TupleCount,9:N0} {processor.PooledValueCount,9:N0} {processor.AdmissionCount,11:N0} {ownSeries,28}");
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static ConsumedRecord Record(long offset, byte[] value) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty, value, ConsumedRecord.NoHeaders, Start.AddHours(1));

    private static byte[] Envelope(string pool, DateTimeOffset time) => Encoding.UTF8.GetBytes(
        $$$"""{"schema":1,"event":"snakepit.request.executed","time":"{{{time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}}}","source":"ml","measurements":{"duration_us":1500},"metadata":{"pool":"{{{pool}}}","command":"predict"}}""");

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
