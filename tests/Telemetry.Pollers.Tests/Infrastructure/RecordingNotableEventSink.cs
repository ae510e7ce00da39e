using System.Collections.Concurrent;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Pollers.Tests.Infrastructure;

/// <summary>Keeps what the pollers hand to the notable-event sink (our own interface; the ledger's store is tested in its project).</summary>
internal sealed class RecordingNotableEventSink : INotableEventSink
{
    public ConcurrentQueue<NotableEvent> Events { get; } = new();

    public Task WriteAsync(IReadOnlyList<NotableEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Events.Enqueue(e);
        }

        return Task.CompletedTask;
    }
}
