namespace Telemetry.Export.Tests.Publishers;

/// <summary>
/// The publisher tests record on the product's own meter name, which every MeterProvider of the process observes:
/// they run one at a time so each one's counters are its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PublisherCollection
{
    public const string Name = "publishers";
}
