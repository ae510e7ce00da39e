using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Triggered;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kafka runtime: options, both hosts' batch processors and the DLQ producer.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="KafkaOptions"/> (section <c>Kafka</c>, validated at start), the idempotent dead-letter producer,
    /// the standalone host's batch processor and the Functions host's <see cref="FunctionsBatchProcessor"/>. Expects <c>IOptions&lt;IngestionOptions&gt;</c>
    /// and the aggregate sinks to be registered by the caller. Does not start consuming: see <see cref="AddKafkaConsumer"/>.
    /// </summary>
    public static IServiceCollection AddTelemetryKafka(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
        services.TryAddSingleton(sp => new OwnTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<ConsumerProgress>();
        services.TryAddSingleton<IRecordHandler>(DecodingRecordHandler.Instance);
        services.TryAddSingleton<IDeadLetterPublisher, DeadLetterProducer>();
        services.TryAddSingleton<IStandaloneBatchProcessor, StandaloneBatchProcessor>();
        services.TryAddSingleton<IFinalisedOffsets, GroupCommittedOffsets>();
        services.TryAddSingleton<FunctionsBatchProcessor>();
        services.TryAddSingleton<Telemetry.Kafka.Replay.DeadLetterReplayer>();
        return services;
    }

    /// <summary>
    /// The Functions app's checks on the <c>Kafka</c> section (<see cref="KafkaTriggerOptionsValidator"/>): one topic,
    /// and the trigger's compiled security once <see cref="AddKafkaTriggerBuild"/> has named it.
    /// </summary>
    public static IServiceCollection AddKafkaTriggerChecks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTelemetryKafka();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaTriggerOptionsValidator>());
        return services;
    }

    /// <summary>
    /// Records the security the Kafka trigger was compiled with (<c>KafkaTriggerSecurity</c>), so a start whose
    /// <c>Kafka:SecurityProtocol</c> or <c>Kafka:SaslMechanism</c> disagrees stops naming the setting.
    /// </summary>
    public static IServiceCollection AddKafkaTriggerBuild(this IServiceCollection services, string name, string securityProtocol, string saslMechanism)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(securityProtocol);
        ArgumentNullException.ThrowIfNull(saslMechanism);
        services.AddKafkaTriggerChecks();
        services.Configure<KafkaTriggerBuild>(build =>
        {
            build.Name = name;
            build.SecurityProtocol = securityProtocol;
            build.SaslMechanism = saslMechanism;
        });
        return services;
    }

    /// <summary>Adds the consumer-group loop as a hosted service (the standalone host; the Functions app uses the trigger instead).</summary>
    public static IServiceCollection AddKafkaConsumer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTelemetryKafka();
        services.AddHostedService<KafkaConsumerService>();
        return services;
    }
}
