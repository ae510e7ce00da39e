using System.Collections.Concurrent;
using Telemetry.Pollers.Publishing;

namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>Keeps the envelopes a poller publishes, for tests about which events are derived (the Kafka path has its own test).</summary>
internal sealed class RecordingPublisher : ITelemetryPublisher
{
    public ConcurrentQueue<(string Key, TelemetryEnvelope Envelope)> Published { get; } = new();

    public Task PublishAsync(string key, IReadOnlyList<TelemetryEnvelope> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Published.Enqueue((key, e));
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<TelemetryEnvelope> Drain()
    {
        var list = new List<TelemetryEnvelope>();
        while (Published.TryDequeue(out var item))
        {
            list.Add(item.Envelope);
        }

        return list;
    }
}
