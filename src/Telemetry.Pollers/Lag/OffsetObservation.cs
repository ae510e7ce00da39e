namespace Telemetry.Pollers.Lag;

/// <summary>
/// One entry of a partition's sliding window: the committed offset, when it was committed (see
/// <see cref="BurrowEvaluator"/> for what a poller can know of that), the high watermark at that poll, and the lag.
/// </summary>
internal sealed record OffsetObservation(long Offset, DateTimeOffset CommittedAt, long HighWatermark)
{
    public long Lag => Math.Max(0, HighWatermark - Offset);
}
