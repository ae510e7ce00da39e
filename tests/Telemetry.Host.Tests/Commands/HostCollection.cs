using Xunit;

namespace Telemetry.Host.Tests.Commands;

/// <summary>
/// Tests that build whole hosts run one at a time: a MeterProvider observes every meter of a name in the process, so
/// two hosts at once would collect each other's instruments (the demo test checks what its exporter sent).
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection
{
    public const string Name = "hosts";
}
