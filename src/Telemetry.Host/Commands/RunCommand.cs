using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Host.Scheduling;

namespace Telemetry.Host.Commands;

/// <summary>
/// <c>run</c>: consume the configured topics until SIGTERM / Ctrl+C (settings from appsettings.json and
/// <c>Section__Key</c> environment variables), with the pollers on their schedule when a ledger is configured.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Consume the configured Kafka topics into the ledger and Azure Monitor, and run the pollers (consumer lag, MQTT brokers, worker pools) on their schedule, until stopped (SIGTERM / Ctrl+C).");
        command.SetAction((parse, ct) => RunAsync(null, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    /// <param name="overrides">Settings over appsettings.json and the environment (tests).</param>
    /// <returns>0 once stopped; 2 when a setting is invalid (each failure is written to <paramref name="error"/>, naming its key).</returns>
    internal static async Task<int> RunAsync(IReadOnlyDictionary<string, string?>? overrides, TextWriter error, CancellationToken ct)
    {
        var builder = TelemetryHost.CreateBuilder(overrides);
        var pollers = builder.Services.AddScheduledPollers(builder.Configuration);
        using var host = builder.Build();
        if (pollers == ScheduledPollersMode.Off)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Telemetry.Host").PollersOff();
        }

        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            await error.WriteLineAsync("Not started: invalid settings.");
            foreach (var failure in failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            return 2;
        }

        await host.WaitForShutdownAsync(ct);
        return 0;
    }

    /// <summary>Start-up validation throws one <see cref="OptionsValidationException"/>, or an aggregate when several options fail.</summary>
    private static List<string> Failures(Exception ex) => ex switch
    {
        OptionsValidationException one => [.. one.Failures],
        AggregateException many => [.. many.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };
}
