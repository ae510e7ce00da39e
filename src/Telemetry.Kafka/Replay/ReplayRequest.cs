namespace Telemetry.Kafka.Replay;

/// <summary>What <c>dlq replay</c> should re-publish.</summary>
/// <param name="DeadLetterTopic">The dead-letter topic to read.</param>
/// <param name="TargetTopic">Where to publish; null means each dead letter's <c>x-original-topic</c> (and original partition).</param>
/// <param name="ErrorKinds">Only dead letters whose <c>x-error-kind</c> is one of these; null or empty means all.</param>
/// <param name="FailedFrom">Only dead letters whose <c>x-failure-timestamp</c> is at or after this.</param>
/// <param name="FailedUntil">Only dead letters whose <c>x-failure-timestamp</c> is before this.</param>
/// <param name="DryRun">Report what would be replayed and publish nothing.</param>
/// <param name="IncludeAlreadyReplayed">Replay again dead letters an earlier run already replayed.</param>
public sealed record ReplayRequest(
    string DeadLetterTopic,
    string? TargetTopic = null,
    IReadOnlySet<string>? ErrorKinds = null,
    DateTimeOffset? FailedFrom = null,
    DateTimeOffset? FailedUntil = null,
    bool DryRun = false,
    bool IncludeAlreadyReplayed = false)
{
    /// <summary>The compacted topic where replay records which dead letters it has re-published (key = <c>partition:offset</c>).</summary>
    public string MarkerTopic => this.DeadLetterTopic + ".replayed";
}
