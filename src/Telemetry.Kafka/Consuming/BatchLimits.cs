using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Consuming;

/// <summary>Kafee's <c>batch: [size, timeout, max_bytes]</c>.</summary>
internal sealed record BatchLimits(int MaxRecords, int TimeoutMs, long MaxBytes, int FaultBackoffMaxMs)
{
    public static BatchLimits From(KafkaOptions options) =>
        new(options.BatchSize, options.BatchTimeoutMs, options.BatchMaxBytes, options.RetryBackoffMaxMs);
}
