using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Telemetry.Pollers;

namespace Telemetry.Host.Scheduling;

/// <summary>
/// <c>run</c>'s pollers: the three of them on their <c>Pollers:*IntervalSeconds</c> when a ledger is configured (they
/// keep their state in it and write their notable events to it). Without a ledger, pollers the settings ask for
/// explicitly stop start-up naming the missing setting; left at their defaults (only the lag poller, on our own group),
/// they are off and the host says so once at start.
/// </summary>
internal static class ScheduledPollers
{
    public static ScheduledPollersMode AddScheduledPollers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (TelemetryServiceCollectionExtensions.HasLedger(configuration))
        {
            services.AddPollerScheduler();
            return ScheduledPollersMode.Scheduled;
        }

        var asked = ExplicitTargets(configuration);
        if (asked.Count == 0)
        {
            return ScheduledPollersMode.Off;
        }

        // Only the options and a validation that fails: start-up stops with the reason before any poller is built.
        services.AddOptions<PollersOptions>()
            .Validate(
                _ => false,
                $"{string.Join(" and ", asked)} {(asked.Count == 1 ? "is" : "are")} set but no ledger is configured: set Ledger:ConnectionString or "
                + "Ledger:TableServiceUri (the pollers keep their state and write their notable events there), or clear the Pollers targets.")
            .ValidateOnStart();
        return ScheduledPollersMode.MissingLedger;
    }

    /// <summary>The line <c>run</c> logs when the pollers are off.</summary>
    public const string OffMessage =
        "Pollers are off: no ledger is configured (Ledger:ConnectionString or Ledger:TableServiceUri), and the pollers keep their state in it. Set one to watch consumer lag, MQTT brokers and worker pools.";

    private static List<string> ExplicitTargets(IConfiguration configuration) =>
        new[] { nameof(PollersOptions.LagConsumerGroups), nameof(PollersOptions.MqttBrokers), nameof(PollersOptions.WorkerPoolEndpoints) }
            .Select(key => $"{PollersOptions.SectionName}:{key}")
            .Where(key => !string.IsNullOrWhiteSpace(configuration[key]))
            .ToList();
}
