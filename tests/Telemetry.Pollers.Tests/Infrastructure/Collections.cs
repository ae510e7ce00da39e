using Telemetry.Testing.Azurite;
using Telemetry.Testing.Kafka;

namespace Telemetry.Pollers.Tests.Infrastructure;

// One collection per poller, each with its own Azurite (and mock cluster for lag): the collections run in parallel,
// the tests inside one run in turn. Every test still takes its own table prefix, topic and group.

[CollectionDefinition(Name)]
public sealed class MqttCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "mqtt";
}

[CollectionDefinition(Name)]
public sealed class WorkerPoolCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<MockKafkaCluster>
{
    public const string Name = "worker-pool";
}

[CollectionDefinition(Name)]
public sealed class LagCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<MockKafkaCluster>
{
    public const string Name = "lag";
}
