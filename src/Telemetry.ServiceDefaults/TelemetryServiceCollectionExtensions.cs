using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Processing;
using Telemetry.Ledger;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The wiring both hosts share: the standalone host and the Functions app call the same method.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>Ingestion</c> and <c>Kafka</c> options (validated at start-up), the processing core, the DLQ
    /// producer, the Functions trigger's <c>FunctionsBatchProcessor</c> and, when <c>Ledger:ConnectionString</c> or
    /// <c>Ledger:TableServiceUri</c> is set, the Table Storage ledger. The exporter is the host's choice
    /// (<c>AddTelemetryExport()</c> standalone, <c>AddOpenTelemetry().AddTelemetryExport()</c> under Functions), and so
    /// is the consumer (<c>AddKafkaConsumer()</c>, standalone only).
    /// </summary>
    public static IServiceCollection AddTelemetryPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidation>());
        services.AddTelemetryKafka();
        if (HasLedger(configuration))
        {
            services.AddTelemetryLedger();
        }

        return services;
    }

    /// <summary>Whether the configuration names a ledger; without one the pipeline runs (demo) but records nothing durable.</summary>
    public static bool HasLedger(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[$"{LedgerOptions.SectionName}:{nameof(LedgerOptions.ConnectionString)}"])
            || !string.IsNullOrWhiteSpace(configuration[$"{LedgerOptions.SectionName}:{nameof(LedgerOptions.TableServiceUri)}"]);
    }
}
