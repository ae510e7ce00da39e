namespace Telemetry.Ledger.LagSamples;

/// <summary>
/// Lag samples kept in the ledger for the lag pollers: write what you observed, read the most recent few back
/// (for example to decide whether lag is growing). Samples are keyed by group, topic, partition and time, so
/// writing the same sample twice stores it once.
/// </summary>
public interface ILagSampleStore
{
    /// <summary>Stores the samples (any mix of groups, topics and partitions).</summary>
    Task UpsertAsync(IReadOnlyList<LagSample> samples, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> samples of one group/topic/partition, newest first.</summary>
    Task<IReadOnlyList<LagSample>> ReadLatestAsync(string consumerGroup, string topic, int partition, int count, CancellationToken cancellationToken);
}
