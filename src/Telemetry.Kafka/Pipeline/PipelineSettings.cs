using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Pipeline;

/// <summary>The acknowledgement settings of <see cref="KafkaOptions"/> as the domain's types.</summary>
internal static class PipelineSettings
{
    public static AckStrategy Strategy(KafkaOptions options) => AckStrategyNames.Parse(options.AckStrategy);

    public static RetryPolicy RetryPolicy(KafkaOptions options) => new RetryPolicy
    {
        MaxRetries = options.MaxRetries,
        InitialBackoff = TimeSpan.FromMilliseconds(options.RetryBackoffInitialMs),
        MaxBackoff = TimeSpan.FromMilliseconds(options.RetryBackoffMaxMs),
        // Replicas spread their retries; within one process the delays stay a pure function of the record.
        JitterSeed = (ulong)Environment.ProcessId,
    }.Validate();
}
