using Azure.Core;
using Azure.Core.Pipeline;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// Counts Table Storage operations as the service bills them: one per request (a query page, a point read, a
/// whole entity-group transaction). Sits before the retry policy, so a retried call counts once.
/// The benchmark reads it to show operations grow with series × windows, not with events.
/// </summary>
internal sealed class TableOperationCounter : HttpPipelinePolicy
{
    private long _operations;

    public long Operations => Interlocked.Read(ref _operations);

    public void Reset() => Interlocked.Exchange(ref _operations, 0);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _operations);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _operations);
        return ProcessNextAsync(message, pipeline);
    }
}
