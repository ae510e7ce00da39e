using Confluent.Kafka;

namespace Telemetry.Pollers.Publishing;

/// <summary>
/// Publishes derived events to the telemetry topic with a Confluent producer (acks=all), so they are consumed, aggregated
/// and stored by the same pipeline as the events pools emit themselves.
/// </summary>
internal sealed class KafkaTelemetryPublisher : ITelemetryPublisher, IDisposable
{
    private readonly Lazy<IProducer<string, byte[]>> _producer;
    private readonly string _topic;

    /// <param name="config">Called on the first publish, so a host that publishes nothing needs no Kafka settings.</param>
    public KafkaTelemetryPublisher(Func<ProducerConfig> config, string topic)
    {
        _topic = topic;
        _producer = new Lazy<IProducer<string, byte[]>>(() => new ProducerBuilder<string, byte[]>(config()).Build());
    }

    public async Task PublishAsync(string key, IReadOnlyList<TelemetryEnvelope> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

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

        await Task.WhenAll(deliveries).ConfigureAwait(false);
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
