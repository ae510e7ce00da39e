using Telemetry.Testing.Kafka;
using Xunit;

namespace Telemetry.Kafka.Tests;

/// <summary>One mock cluster for the whole test run; every test uses its own topics and groups.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<MockKafkaCluster>
{
    public const string Name = "mock-kafka";
}
