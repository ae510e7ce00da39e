using Telemetry.Host.Commands;

namespace Telemetry.Host;

internal static class Program
{
    private static Task<int> Main(string[] args) => HostCommands.Create().Parse(args).InvokeAsync();
}
