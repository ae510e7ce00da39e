namespace Telemetry.Infra.Tests.Bicep;

/// <summary>Tests that read the compiled templates share one compile per run.</summary>
[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<CompiledTemplates>
{
    public const string Name = "bicep";
}
