namespace Telemetry.Export.Tests.Pipeline;

/// <summary>
/// Tests that record on the product's own meter. Its name is process-wide, so every export harness running at the
/// same time would also collect those points: an aggregate test then finds, say, our own
/// <c>kafka.eventbus.reconnections</c> next to the core's series of the same name. These run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OwnMeterCollection
{
    public const string Name = "Own meter";
}
