namespace Telemetry.Ledger.LagSamples;

/// <summary>
/// One consumer-lag observation of a consumer group on one topic partition.
/// <see cref="CommittedOffset"/> is -1 when the group has not committed on that partition yet.
/// </summary>
public sealed record LagSample(string ConsumerGroup, string Topic, int Partition, DateTimeOffset Time, long CommittedOffset, long EndOffset)
{
    /// <summary>Records not yet committed by the group (never negative).</summary>
    public long Lag => Math.Max(0, EndOffset - Math.Max(0, CommittedOffset));
}
