using System.Diagnostics;
using Confluent.Kafka;
using Telemetry.Domain.Diagnostics;

namespace Telemetry.Pollers.Publishing;

/// <summary>
/// Publishes derived events to the telemetry topic with a Confluent producer (acks=all), so they are consumed, aggregated
/// and stored by the same pipeline as the events pools emit themselves. One call is one publish batch for seed 001's
/// publish metrics (<c>messages.published</c>, <c>publish.duration</c>, <c>batch.size</c>, <c>publish.errors</c>), with
/// <c>event.type</c> <see cref="EventType"/>.
/// </summary>
internal sealed class KafkaTelemetryPublisher : ITelemetryPublisher, IDisposable
{
    private readonly Lazy<IProducer<string, byte[]>> _producer;
    private readonly string _topic;
    private readonly OwnTelemetry? _telemetry;

    /// <param name="config">Called on the first publish, so a host that publishes nothing needs no Kafka settings.</param>
    public KafkaTelemetryPublisher(Func<ProducerConfig> config, string topic, OwnTelemetry? telemetry = null)
    {
        _topic = topic;
        _telemetry = telemetry;
        _producer = new Lazy<IProducer<string, byte[]>>(() => new ProducerBuilder<string, byte[]>(config()).Build());
    }

    public async Task PublishAsync(string key, IReadOnlyList<TelemetryEnvelope> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var deliveries = new Task<DeliveryResult<string, byte[]>>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var message = new Message<string, byte[]>
            {
                Key = key,
                Value = EnvelopeSerializer.Serialize(events[i]),
                Timestamp = new Timestamp(events[i].Time.UtcDateTime),
            };
            deliveries[i] = _producer.Value.ProduceAsync(_topic, message, cancellationToken);
        }

        try
        {
            await Task.WhenAll(deliveries).ConfigureAwait(false);
        }
        finally
        {
            Record(deliveries, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The <c>event.type</c> of the pollers' derived events in the publish metrics.</summary>
    public const string EventType = "poller_event";

    private void Record(Task<DeliveryResult<string, byte[]>>[] deliveries, TimeSpan duration)
    {
        if (_telemetry is null)
        {
            return;
        }

        var delivered = 0;
        foreach (var delivery in deliveries)
        {
            if (delivery is { IsCompletedSuccessfully: true })
            {
                delivered++;
            }
            else
            {
                _telemetry.PublishFailed(_topic, EventType, delivery?.Exception?.InnerException is KafkaException ke ? ke.Error.Code.ToString() : "no_delivery_report");
            }
        }

        if (delivered > 0)
        {
            _telemetry.Published(_topic, EventType, delivered, duration);
        }
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}
