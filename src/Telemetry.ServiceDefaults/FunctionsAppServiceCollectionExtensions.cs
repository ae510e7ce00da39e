using Microsoft.Extensions.Configuration;
using OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The Functions app's wiring in one call, kept here rather than in src/Functions so that a test can build the very
/// graph the function classes are activated from on a feed that does not serve the worker packages.
/// </summary>
public static class FunctionsAppServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything a function class constructor takes: the pipeline and its <c>FunctionsBatchProcessor</c>
    /// (<see cref="TelemetryServiceCollectionExtensions.AddTelemetryPipeline"/>), the ledger and its
    /// <c>LedgerRollup</c>, the three pollers keyed by <c>PollerNames</c> for the timer triggers, and our meters on the
    /// host's OpenTelemetry pipeline, with the OTLP and Prometheus publishers beside it (each on only when its settings
    /// say so: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>Prometheus:Port</c>). The worker's OpenTelemetry defaults and the
    /// Azure Monitor exporter stay in Program.cs, since they come from the worker packages.
    /// </summary>
    public static IServiceCollection AddTelemetryFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTelemetryPipeline(configuration);

        // The trigger takes one topic and its security is compiled in: Program.cs adds AddKafkaTriggerBuild.
        services.AddKafkaTriggerChecks();

        // The pipeline adds the ledger only when it is configured, because the standalone demo runs without one. The app
        // cannot: a timer function rolls the ledger up and the pollers keep their state beside it. Registered anyway,
        // its validator stops the start naming the missing Ledger settings, instead of a function failing to activate.
        if (!TelemetryServiceCollectionExtensions.HasLedger(configuration))
        {
            services.AddTelemetryLedger();
        }

        // Two instances can run the same records when a partition moves mid-retry; the ledger records what is finalised.
        services.AddLedgerFinalisedOffsets();

        services.AddTelemetryPollers();

        // Meters, views and the aggregate sink only: the host adds the one Azure Monitor exporter.
        services.AddOpenTelemetry().AddTelemetryExport();
        return services;
    }
}
