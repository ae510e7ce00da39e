using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace Telemetry.Host.Commands;

/// <summary><c>run</c>: consume the configured topics until SIGTERM / Ctrl+C (settings from appsettings.json and <c>Section__Key</c> environment variables).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Consume the configured Kafka topics into the ledger and Azure Monitor until stopped (SIGTERM / Ctrl+C).");
        command.SetAction(async (_, ct) =>
        {
            using var host = TelemetryHost.CreateBuilder().Build();
            await host.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
