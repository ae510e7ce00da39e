using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Notable;

/// <summary>Stores poller findings (lag status changes, failed health checks) beside the batch-derived notable events.</summary>
internal sealed class TableNotableEventSink : INotableEventSink
{
    private readonly NotableEventStore _store;

    public TableNotableEventSink(NotableEventStore store) => _store = store;

    public Task WriteAsync(IReadOnlyList<NotableEvent> events, CancellationToken cancellationToken) => _store.UpsertAsync(events, cancellationToken);
}
