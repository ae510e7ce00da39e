namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// How far each source partition has been finalised (every record up to the offset counted or dead-lettered) by
/// any execution of the Functions trigger. The trigger has no partition ownership to rely on: while a batch is
/// retried in place the extension stops polling, so an outage longer than its poll interval moves the partition
/// to another instance and two instances end up running the same records. Each reads this before deciding a batch
/// (<see cref="TriggeredBatchPlan.Decide"/>'s <c>countedThrough</c>) and raises it once its dead letters and ledger
/// rows are written, so whichever finishes second neither dead-letters nor counts those records again.
/// </summary>
public interface IFinalisedOffsets
{
    /// <summary>The last finalised offset of each of <paramref name="partitions"/> that has one.</summary>
    Task<IReadOnlyDictionary<(string Topic, int Partition), long>> ReadAsync(IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken cancellationToken);

    /// <summary>Records that every offset up to <paramref name="throughOffset"/> is finalised; never lowers what is stored.</summary>
    Task RaiseAsync(string topic, int partition, long throughOffset, CancellationToken cancellationToken);
}
