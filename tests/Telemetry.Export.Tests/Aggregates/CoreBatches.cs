using Telemetry.DevServices.Samples;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Processing;

namespace Telemetry.Export.Tests.Aggregates;

/// <summary>The core's finalised batches of a sample stream of every family, in the order a host hands them to its sinks.</summary>
internal static class CoreBatches
{
    /// <summary>
    /// Two partitions of consecutive batches with 2 % malformed records. Lazy on purpose: a caller writes each batch to
    /// its sinks before the next is decoded, as a host does.
    /// </summary>
    public static IEnumerable<IPartitionBatchAggregates> Sample(string topic, DateTimeOffset start, int seed, int eventsPerSecond, int batches, int batchSize)
    {
        for (var partition = 0; partition < 2; partition++)
        {
            var generator = new TelemetrySampleGenerator(seed + partition, start, eventsPerSecond);
            var processor = new PartitionDecoder(topic, partition, new IngestionOptions());
            var after = -1L;
            for (var b = 0; b < batches; b++)
            {
                var records = generator.Records(topic, partition, after + 1, batchSize, malformedRatio: 0.02);
                yield return processor.Decode(records).Finalise(after, records[^1].Offset);
                after = records[^1].Offset;
            }
        }
    }
}
