using Xunit;

namespace Telemetry.Host.Tests.Commands;

/// <summary>
/// Tests that build whole hosts or Functions apps in this process run one at a time: a MeterProvider observes every
/// meter of a name in the process, so two at once would collect each other's instruments (the demo test checks what
/// its exporter sent; the Prometheus test once found <c>PartitionMovedMidRetryTests</c>'s topic on its endpoint). The
/// crash suite runs its hosts as child processes, so it runs beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection
{
    public const string Name = "hosts";
}
