namespace Telemetry.Kafka.Consuming;

/// <summary>
/// Processes one partition batch to the end: decides, retries, dead-letters, writes the sinks, and reports through
/// <see cref="PartitionBatchContext.Finalise"/> each offset up to which everything is safe to commit.
/// Returning means the whole batch is finalised; throwing <see cref="OperationCanceledException"/> abandons the rest
/// (revoke, shutdown), and whatever was not finalised is redelivered to the partition's next owner.
/// </summary>
internal interface IPartitionBatchProcessor
{
    Task ProcessAsync(PartitionBatch batch, PartitionBatchContext context);
}
