namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>Tests that need Table Storage share one Azurite per run (each with its own table prefix).</summary>
[CollectionDefinition(Name)]
public sealed class ServicesCollection : ICollectionFixture<AzuriteTables>
{
    public const string Name = "services";
}
