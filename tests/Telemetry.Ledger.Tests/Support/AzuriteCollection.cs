using Telemetry.Testing.Azurite;
using Xunit;

namespace Telemetry.Ledger.Tests.Support;

/// <summary>Tests that share one Azurite (each with its own table prefix).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
