namespace Telemetry.Domain.Aggregation;

/// <summary>
/// Where a finalised batch's aggregates go: the Table Storage ledger (exact, durable) and the Azure Monitor
/// export. A host calls every sink before it commits the batch's offsets; a sink that throws stops the commit,
/// so the batch is redelivered and the ledger's watermarks keep the replay from counting twice.
/// </summary>
public interface IAggregateSink
{
    Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken);
}
