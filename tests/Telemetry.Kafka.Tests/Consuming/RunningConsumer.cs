using Confluent.Kafka;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Testing.Kafka;

namespace Telemetry.Kafka.Tests.Consuming;

/// <summary>A consume loop running on its own thread against the mock cluster, stopped like the host stops it.</summary>
internal sealed class RunningConsumer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RunningConsumer(KafkaOptions options, IStandaloneBatchProcessor processor, OwnTelemetry? telemetry, Action<ConsumerConfig>? configure)
    {
        this.Options = options;
        var config = KafkaClientConfigs.Consumer(options, options.BootstrapServers);
        config.ClientId = MockKafkaCluster.UniqueName("c");
        config.HeartbeatIntervalMs = 250;
        config.TopicMetadataRefreshIntervalMs = 1000;
        configure?.Invoke(config);
        _loop = Task.Factory.StartNew(
            () =>
            {
                using var consumerLoop = new ConsumerLoop(options, config, processor, this.Progress, new ConsoleTestLogger(config.ClientId), telemetry ?? new OwnTelemetry());
                consumerLoop.Run(_stop.Token);
            },
            TaskCreationOptions.LongRunning);
    }

    public KafkaOptions Options { get; }

    public ConsumerProgress Progress { get; } = new();

    public static KafkaOptions OptionsFor(MockKafkaCluster cluster, string topic, string group) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        Topics = topic,
        ConsumerGroup = group,
        SessionTimeoutMs = MockKafkaCluster.FastSessionTimeoutMs,
        AutoCommitIntervalMs = 100,
        BatchTimeoutMs = 50,
        RetryBackoffInitialMs = 10,
        RetryBackoffMaxMs = 50,
        ShutdownTimeoutMs = 5_000,
    };

    public static RunningConsumer Start(KafkaOptions options, IStandaloneBatchProcessor processor, OwnTelemetry? telemetry = null, Action<ConsumerConfig>? configure = null) =>
        new(options, processor, telemetry, configure);

    /// <summary>Stops as SIGTERM does and waits for the loop to commit and close.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_loop.IsCompleted)
        {
            await this.StopAsync();
        }

        _stop.Dispose();
    }
}
