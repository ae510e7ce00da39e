using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger;
using Telemetry.Ledger.Aggregates;
using Telemetry.Ledger.LagSamples;
using Telemetry.Ledger.Notable;
using Telemetry.Ledger.Progress;
using Telemetry.Ledger.Queries;
using Telemetry.Ledger.Rollups;
using Telemetry.Ledger.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Table Storage ledger: sinks, queries, rollup and the lag-sample store.</summary>
public static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the ledger bound to configuration section <c>Ledger</c> (validated at start-up): an
    /// <see cref="IAggregateSink"/> and an <see cref="INotableEventSink"/> (added beside any others),
    /// <see cref="LedgerQueries"/>, <see cref="LedgerRollup"/> and <see cref="ILagSampleStore"/>.
    /// </summary>
    public static IServiceCollection AddTelemetryLedger(this IServiceCollection services) => services.AddTelemetryLedger(static _ => { });

    /// <summary>As <see cref="AddTelemetryLedger(IServiceCollection)"/>, then applies <paramref name="configure"/> over the bound settings.</summary>
    public static IServiceCollection AddTelemetryLedger(this IServiceCollection services, Action<LedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.SectionName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>());
        services.TryAddSingleton<TableOperationCounter>();
        services.TryAddSingleton<LedgerTables>();
        services.TryAddSingleton<NotableEventStore>();
        services.TryAddSingleton<TableAggregateSink>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregateSink, TableAggregateSink>(sp => sp.GetRequiredService<TableAggregateSink>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotableEventSink, TableNotableEventSink>(sp => new TableNotableEventSink(sp.GetRequiredService<NotableEventStore>())));
        services.TryAddSingleton<ILagSampleStore>(sp => new TableLagSampleStore(sp.GetRequiredService<LedgerTables>()));
        services.TryAddSingleton(sp => new LedgerQueries(sp.GetRequiredService<LedgerTables>(), sp.GetRequiredService<NotableEventStore>()));
        services.TryAddSingleton(sp => new LedgerRollup(
            sp.GetRequiredService<LedgerTables>(), sp.GetRequiredService<NotableEventStore>(), sp.GetRequiredService<ILogger<LedgerRollup>>()));
        return services;
    }

    /// <summary>
    /// Makes the ledger added by <see cref="AddTelemetryLedger(IServiceCollection)"/> the record of how far each
    /// source partition is finalised (<see cref="IFinalisedOffsets"/>), replacing any other: the Functions trigger's
    /// batches read and raise it so that two instances running the same records after a partition moved write each
    /// dead letter once.
    /// </summary>
    public static IServiceCollection AddLedgerFinalisedOffsets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<IFinalisedOffsets>(sp => new TableFinalisedOffsets(sp.GetRequiredService<LedgerTables>())));
        return services;
    }
}
