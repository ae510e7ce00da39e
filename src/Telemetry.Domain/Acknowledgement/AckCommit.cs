namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The safe state of a partition's batch once the dead-letter writes of a round are known.
/// </summary>
/// <param name="CommitOffset">The offset to commit, in Kafka's sense (the next offset to read), or null while nothing of this batch may be committed. Never decreases.</param>
/// <param name="Advanced">True when <see cref="CommitOffset"/> moved in this round: the host commits it now.</param>
/// <param name="FailedDeadLetters">Dead letters whose write failed (Kafee's <c>dlq_error</c>); they are written again next round.</param>
/// <param name="RetryDelay">How long to wait before the next round: the handler retries' backoff and the dead-letter rewrite backoff.</param>
/// <param name="IsComplete">Every message succeeded or is dead-lettered; <see cref="CommitOffset"/> is the batch's last offset + 1.</param>
public sealed record AckCommit(
    long? CommitOffset,
    bool Advanced,
    IReadOnlyList<DeadLetter> FailedDeadLetters,
    TimeSpan RetryDelay,
    bool IsComplete);
