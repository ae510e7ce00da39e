using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>
/// The idempotent producer behind the dead-letter topic: original key and value byte for byte, original headers
/// followed by the origin and failure headers. One instance per process, shared by all partitions.
/// </summary>
/// <remarks>
/// This is one of the two places where the product publishes to Kafka (the other is <c>dlq replay</c>), so it feeds
/// seed 001's publish metrics: each call is one publish batch (<c>batch.size</c>, <c>publish.duration</c> until every
/// delivery report is in), its confirmed dead letters are <c>messages.published</c> and its unconfirmed ones
/// <c>publish.errors</c>, per dead-letter topic and with <c>event.type</c> <see cref="EventType"/>. The producer's
/// client errors (broker down, transport) are <c>connection.errors</c>.
/// </remarks>
internal sealed class DeadLetterProducer : IDeadLetterPublisher, IDisposable
{
    private readonly KafkaOptions _options;
    private readonly ILogger<DeadLetterProducer> _logger;
    private readonly TimeProvider _time;
    private readonly OwnTelemetry? _telemetry;
    private readonly Lock _gate = new();
    private IProducer<byte[]?, byte[]>? _producer;

    /// <summary>The <c>event.type</c> of what this producer publishes.</summary>
    public const string EventType = "dead_letter";

    public DeadLetterProducer(IOptions<KafkaOptions> options, ILogger<DeadLetterProducer> logger, TimeProvider? time = null, OwnTelemetry? telemetry = null)
    {
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry;
    }

    public async Task<DeadLetterResult> PublishAsync(IReadOnlyList<DeadLetter> deadLetters, string consumerGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        if (deadLetters.Count == 0)
        {
            return new DeadLetterResult(0, null);
        }

        var producer = this.Producer();
        var started = Stopwatch.GetTimestamp();
        var failedAt = _time.GetUtcNow();
        var deliveries = new Task<DeliveryResult<byte[]?, byte[]>>[deadLetters.Count];
        for (var i = 0; i < deadLetters.Count; i++)
        {
            var letter = deadLetters[i];
            try
            {
                deliveries[i] = producer.ProduceAsync(_options.DeadLetterTopicFor(letter.Record.Topic), ToMessage(letter, consumerGroup, failedAt), CancellationToken.None);
            }
            catch (ProduceException<byte[]?, byte[]> ex)
            {
                deliveries[i] = Task.FromException<DeliveryResult<byte[]?, byte[]>>(ex);
            }
            catch (KafkaException ex)
            {
                deliveries[i] = Task.FromException<DeliveryResult<byte[]?, byte[]>>(ex);
            }
        }

        // Every produce is awaited (even after a failure) so no delivery report is left unobserved.
        try
        {
            await Task.WhenAll(deliveries).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Inspected one by one below.
        }

        this.RecordPublish(deadLetters, deliveries, Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < deliveries.Length; i++)
        {
            var task = deliveries[i];
            if (Persisted(task))
            {
                continue;
            }

            var record = deadLetters[i].Record;
            var error = ErrorOf(task);
            if (error.IsFatal)
            {
                this.Reset(producer);
            }

            _logger.NotConfirmed(record.Topic, record.Partition, record.Offset, error.Code);
            return new DeadLetterResult(i, new DeadLetterWriteException(record.Topic, record.Partition, record.Offset, error, task.Exception?.InnerException));
        }

        return new DeadLetterResult(deliveries.Length, null);
    }

    private static bool Persisted(Task<DeliveryResult<byte[]?, byte[]>> task) =>
        task.IsCompletedSuccessfully && task.Result.Status == PersistenceStatus.Persisted;

    private static Error ErrorOf(Task<DeliveryResult<byte[]?, byte[]>> task) => task.Exception?.InnerException switch
    {
        KafkaException ke => ke.Error,
        _ => new Error(ErrorCode.Local_Fail, task.IsCompletedSuccessfully ? $"delivery status {task.Result.Status}" : "unknown failure"),
    };

    /// <summary>Seed 001's publish metrics for one call, per dead-letter topic (a batch may span several source topics).</summary>
    private void RecordPublish(IReadOnlyList<DeadLetter> deadLetters, Task<DeliveryResult<byte[]?, byte[]>>[] deliveries, TimeSpan duration)
    {
        if (_telemetry is null)
        {
            return;
        }

        var perTopic = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < deliveries.Length; i++)
        {
            var topic = _options.DeadLetterTopicFor(deadLetters[i].Record.Topic);
            if (Persisted(deliveries[i]))
            {
                perTopic[topic] = perTopic.GetValueOrDefault(topic) + 1;
            }
            else
            {
                _telemetry.PublishFailed(topic, EventType, deliveries[i].IsCompleted ? ErrorOf(deliveries[i]).Code.ToString() : "no_delivery_report");
            }
        }

        foreach (var (topic, count) in perTopic)
        {
            _telemetry.Published(topic, EventType, count, duration);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_producer is { } p)
            {
                p.Flush(TimeSpan.FromSeconds(5));
                p.Dispose();
                _producer = null;
            }
        }
    }

    private static Message<byte[]?, byte[]> ToMessage(DeadLetter letter, string consumerGroup, DateTimeOffset failedAt)
    {
        var record = letter.Record;
        var headers = new Headers();
        foreach (var (key, value) in record.Headers)
        {
            // A re-failed dead letter gets fresh origin and failure headers, not a second set.
            if (!DeadLetterHeaderValues.Added.Contains(key))
            {
                headers.Add(key, value);
            }
        }

        foreach (var (key, value) in DeadLetterHeaders.Create(letter, consumerGroup, failedAt))
        {
            headers.Add(key, value);
        }

        return new Message<byte[]?, byte[]>
        {
            Key = record.Key.IsEmpty ? null : record.Key.ToArray(),
            Value = record.Value.ToArray(),
            Headers = headers,
        };
    }

    private IProducer<byte[]?, byte[]> Producer()
    {
        lock (_gate)
        {
            return _producer ??= new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfigs.DeadLetterProducer(_options, _options.BootstrapServers))
                .SetErrorHandler((_, e) =>
                {
                    _telemetry?.ConnectionFailed(e.Code.ToString());
                    _logger.ProducerError(e.IsFatal ? LogLevel.Error : LogLevel.Warning, e.Code, e.Reason);
                })
                .SetLogHandler((_, _) => { })
                .Build();
        }
    }

    /// <summary>A fatal error (idempotence state lost) makes the producer unusable; the next write builds a fresh one.</summary>
    private void Reset(IProducer<byte[]?, byte[]> failed)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_producer, failed))
            {
                _producer = null;
            }
        }

        failed.Dispose();
    }
}
