using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;
using Telemetry.Kafka.Triggered;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kafka runtime: options, the batch pipeline, the DLQ producer and the Functions trigger's processor.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="KafkaOptions"/> (section <c>Kafka</c>, validated at start), the idempotent dead-letter producer,
    /// the batch pipeline and <see cref="TriggeredBatchProcessor"/>. Expects <c>IOptions&lt;IngestionOptions&gt;</c>
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
        services.TryAddSingleton<IPartitionBatchProcessor, TelemetryPipeline>();
        services.TryAddSingleton<ICommittedOffsetReader, GroupCommittedOffsetReader>();
        services.TryAddSingleton<TriggeredBatchProcessor>();
        services.TryAddSingleton<Telemetry.Kafka.Replay.DeadLetterReplayer>();
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
