using Telemetry.Domain.Acknowledgement;

namespace Telemetry.Kafka.Consuming;

/// <summary>
/// What the standalone host's consumer loop hands each partition batch to (its partition worker calls it, one batch
/// at a time per partition). Processes the batch to the end: decides, retries, dead-letters, writes the sinks, and reports through
/// <see cref="StandaloneBatchContext.Finalise"/> each offset up to which everything is safe to commit.
/// Returning means the whole batch is finalised; throwing <see cref="OperationCanceledException"/> abandons the rest
/// (revoke, shutdown), and whatever was not finalised is redelivered to the partition's next owner.
/// </summary>
internal interface IStandaloneBatchProcessor
{
    Task ProcessAsync(PartitionBatch batch, StandaloneBatchContext context);

    /// <summary>
    /// The partition was given up (revoked, lost, or the member stops) and its worker has stopped: no batch of it is in
    /// progress, everything finalised has reached the sinks, and whatever was not is redelivered to the next owner. Drop
    /// whatever is kept per partition, or a member that sees many rebalances keeps every partition it ever owned.
    /// Called on the consume loop's thread.
    /// </summary>
    void PartitionStopped(string topic, int partition);
}
