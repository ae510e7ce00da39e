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
    private readonly KafkaOptions _options;
    private readonly IStandaloneBatchProcessor _processor;
    private readonly ConsumerProgress _progress;
    private readonly ILogger<KafkaConsumerService> _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly OwnTelemetry _telemetry;

    public KafkaConsumerService(
        IOptions<KafkaOptions> options,
        IStandaloneBatchProcessor processor,
        ConsumerProgress progress,
        ILogger<KafkaConsumerService> logger,
        IHostApplicationLifetime lifetime,
        OwnTelemetry telemetry)
    {
        _telemetry = telemetry;
        _options = options.Value;
        _processor = processor;
        _progress = progress;
        _logger = logger;
        _lifetime = lifetime;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = KafkaClientConfigs.Consumer(_options, _options.BootstrapServers);
        return Task.Factory.StartNew(
            () =>
            {
                using var loop = new ConsumerLoop(_options, config, _processor, _progress, _logger, _telemetry);
                try
                {
                    loop.Run(stoppingToken);
                }
                catch (Exception ex)
                {
                    _logger.StoppedOnFatalError(ex);
                    _lifetime.StopApplication();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}
