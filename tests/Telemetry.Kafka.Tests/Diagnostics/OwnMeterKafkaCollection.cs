using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Kafka.Tests.Diagnostics;

/// <summary>
/// Tests that read our own meter through a real MeterProvider. The SDK subscribes by meter name, shared by every
/// OwnTelemetry in the process, so these run alone (untagged instruments such as reconnections would otherwise add up
/// other tests' recordings). They get a mock cluster of their own: one test takes its brokers down.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OwnMeterKafkaCollection : ICollectionFixture<MockKafkaCluster>
{
    public const string Name = "own-meter-kafka";
}
