using System.CommandLine;

namespace Telemetry.Host.Commands;

/// <summary>The command line: <c>run</c>, <c>demo</c>, <c>dlq replay</c>, <c>report</c>, <c>rollup</c>.</summary>
internal static class HostCommands
{
    public static RootCommand Create()
    {
        var services = new Lazy<IServiceProvider>(TelemetryHost.Services);
        return new RootCommand("Telemetry Functions: telemetry events on Kafka to exact per-minute metrics.")
        {
            RunCommand.Create(),
            DemoCommand.Create(),
            DlqCommand.Create(() => services.Value),
            ReportCommand.Create(() => services.Value),
            RollupCommand.Create(() => services.Value),
        };
    }
}
