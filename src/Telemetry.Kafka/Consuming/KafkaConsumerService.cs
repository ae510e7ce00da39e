using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// The standalone host's consumer: runs the blocking consume loop on its own thread, stops it on SIGTERM / Ctrl+C
/// (finish or abandon in-flight batches, commit, close), and stops the host if the consumer hits a fatal error.
/// </summary>
internal sealed class KafkaConsumerService : BackgroundService
{
    private readonly KafkaOptions options;
    private readonly IStandaloneBatchProcessor processor;
    private readonly ConsumerProgress progress;
    private readonly ILogger<KafkaConsumerService> logger;
    private readonly IHostApplicationLifetime lifetime;
    private readonly OwnTelemetry telemetry;

    public KafkaConsumerService(
        IOptions<KafkaOptions> options,
        IStandaloneBatchProcessor processor,
        ConsumerProgress progress,
        ILogger<KafkaConsumerService> logger,
        IHostApplicationLifetime lifetime,
        OwnTelemetry telemetry)
    {
        this.telemetry = telemetry;
        this.options = options.Value;
        this.processor = processor;
        this.progress = progress;
        this.logger = logger;
        this.lifetime = lifetime;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(this.options, this.options.BootstrapServers);
        var loop = new ConsumerLoop(this.options, config, this.processor, this.progress, this.logger, this.telemetry);
        return Task.Factory.StartNew(
            () =>
            {
                try
                {
                    loop.Run(stoppingToken);
                }
                catch (Exception ex)
                {
                    this.logger.LogCritical(ex, "The Kafka consumer stopped on a fatal error; stopping the host");
                    this.lifetime.StopApplication();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}
