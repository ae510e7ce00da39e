using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using Polly;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;
using Telemetry.Ledger.Storage;
using Telemetry.Ledger.LagSamples;
using Telemetry.Pollers;
using Telemetry.Pollers.Diagnostics;
using Telemetry.Pollers.Lag;
using Telemetry.Pollers.Mqtt;
using Telemetry.Pollers.Publishing;
using Telemetry.Pollers.State;
using Telemetry.Pollers.WorkerPools;

namespace Microsoft.Extensions.DependencyInjection;

public static class PollersServiceCollectionExtensions
{
    /// <summary>
    /// Registers the three pollers (as keyed <see cref="IPoller"/>s, see <see cref="PollerNames"/>, and in
    /// <c>IEnumerable&lt;IPoller&gt;</c>), their options (section <c>Pollers</c>, validated at start), state tables,
    /// instruments and the Kafka publisher, and the ledger they keep their state beside (and write notable events to).
    /// Runs nothing by itself:
    /// the Functions app calls <see cref="IPoller.PollAsync"/> from timer triggers; the standalone host adds
    /// <see cref="AddPollerScheduler"/>.
    /// </summary>
    public static IServiceCollection AddTelemetryPollers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<PollersOptions>()
            .BindConfiguration(PollersOptions.SectionName)
            .PostConfigure<IConfiguration>(UseOwnConsumerByDefault)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PollersOptions>, PollersOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(sp => new OwnTelemetry(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GaugeReadings>();
        services.TryAddSingleton<PollerInstruments>();

        // The pollers keep their state beside the ledger, through its table client (same account, prefix and retries).
        services.AddTelemetryLedger();
        services.TryAddSingleton(sp => new PollerStateStore(sp.GetRequiredService<LedgerTables>(), Options(sp).Value.StateTableName));
        services.TryAddSingleton(sp => new LagStateStore(sp.GetRequiredService<LedgerTables>(), Options(sp).Value.LagTableName));

        // The same Kafka section, bound and turned into client settings as the Kafka adapter does it.
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.SectionName);
        services.TryAddSingleton<ITelemetryPublisher>(sp => new KafkaTelemetryPublisher(
            () => KafkaClient(
                sp,
                new ProducerConfig { Acks = Acks.All, ClientId = "telemetry-pollers", MessageTimeoutMs = 10_000, LingerMs = 5 },
                "the worker-pool poller publishes its events to Kafka"),
            Options(sp).Value.TelemetryTopic,
            sp.GetRequiredService<OwnTelemetry>()));
        services.TryAddSingleton(sp => new KafkaLagSource(() => KafkaClient(
            sp,
            new AdminClientConfig { ClientId = "telemetry-lag-poller" },
            "the lag poller reads offsets from Kafka")));

        services.TryAddSingleton(new MqttClientFactory());
        services.TryAddSingleton(sp => new SysTopicReader(
            sp.GetRequiredService<MqttClientFactory>(),
            MqttConnectionSecurity.From(sp.GetRequiredService<IOptions<PollersOptions>>().Value)));

        services.AddHttpClient(WorkerPoolPoller.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("worker-pool", static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<PollersOptions>>().Value;
                var total = TimeSpan.FromSeconds(options.TimeoutSeconds);
                builder.AddTimeout(total);
                if (options.WorkerPoolRetries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.WorkerPoolRetries,
                        BackoffType = DelayBackoffType.Constant,
                        Delay = TimeSpan.FromMilliseconds(200),
                        UseJitter = true,
                    });
                }

                // Each attempt gets an equal share of the target's budget, so retries never push a target past its timeout.
                builder.AddTimeout(total / (options.WorkerPoolRetries + 1));
            });

        // The pollers are public (the Functions app injects them by type) with internal constructors (their parts are
        // internal), hence the explicit factories.
        AddPoller(services, PollerNames.Lag, static sp => new ConsumerLagPoller(
            Options(sp), sp.GetRequiredService<KafkaLagSource>(), sp.GetRequiredService<LagStateStore>(), sp.GetRequiredService<PollerInstruments>(),
            sp.GetRequiredService<INotableEventSink>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConsumerLagPoller>>(),
            sp.GetRequiredService<ILagSampleStore>()));
        AddPoller(services, PollerNames.Mqtt, static sp => new MqttBrokerPoller(
            Options(sp), sp.GetRequiredService<SysTopicReader>(), sp.GetRequiredService<PollerStateStore>(), sp.GetRequiredService<PollerInstruments>(),
            sp.GetRequiredService<INotableEventSink>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MqttBrokerPoller>>()));
        AddPoller(services, PollerNames.WorkerPool, static sp => new WorkerPoolPoller(
            Options(sp), sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ITelemetryPublisher>(), sp.GetRequiredService<PollerStateStore>(),
            sp.GetRequiredService<PollerInstruments>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WorkerPoolPoller>>()));
        return services;
    }

    /// <summary>Registers the pollers and runs each on its configured interval (standalone host).</summary>
    public static IServiceCollection AddPollerScheduler(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTelemetryPollers();
        services.AddHostedService<PollerScheduler>();
        return services;
    }

    /// <summary>
    /// Without its own settings, the lag poller watches our own consumer (<c>Kafka:ConsumerGroup</c> on
    /// <c>Kafka:Topics</c>), and derived events go to the first of <c>Kafka:Topics</c>.
    /// </summary>
    private static void UseOwnConsumerByDefault(PollersOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(options.LagConsumerGroups) && configuration["Kafka:ConsumerGroup"] is { Length: > 0 } group)
        {
            options.LagConsumerGroups = group;
        }

        var topics = PollersOptions.SplitList(configuration["Kafka:Topics"] ?? "");
        if (string.IsNullOrWhiteSpace(options.LagTopics) && topics.Count > 0)
        {
            options.LagTopics = string.Join(',', topics);
        }

        if (string.IsNullOrWhiteSpace(options.TelemetryTopic))
        {
            options.TelemetryTopic = topics.Count > 0 ? topics[0] : "telemetry";
        }
    }

    /// <summary>Read when a client is first needed: a host whose pollers never touch Kafka needs no Kafka section.</summary>
    private static TConfig KafkaClient<TConfig>(IServiceProvider services, TConfig config, string why)
        where TConfig : ClientConfig
    {
        var kafka = services.GetRequiredService<IOptions<KafkaOptions>>().Value;
        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            throw new InvalidOperationException($"{PollersOptionsValidator.BootstrapServersKey} is not set: {why}.");
        }

        return KafkaConnection.Apply(config, kafka, kafka.BootstrapServers);
    }

    private static IOptions<PollersOptions> Options(IServiceProvider services) => services.GetRequiredService<IOptions<PollersOptions>>();

    private static void AddPoller<TPoller>(IServiceCollection services, string name, Func<IServiceProvider, TPoller> create)
        where TPoller : class, IPoller
    {
        services.TryAddSingleton(create);
        if (services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(IPoller)))
        {
            return;
        }

        services.AddKeyedSingleton<IPoller>(name, (sp, _) => sp.GetRequiredService<TPoller>());
        services.AddSingleton<IPoller>(sp => sp.GetRequiredKeyedService<IPoller>(name));
    }
}
