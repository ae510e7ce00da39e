namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// What one round of handling led to, before any dead letter is written: the retries to schedule and the
/// dead letters to write now. The commit offset follows only from <see cref="BatchAcknowledger.ConfirmDeadLetters"/>,
/// because a dead letter that was not delivered must hold the commit back. Write <see cref="DeadLetters"/> in
/// order (they are in offset order) and stop at the first failure: the rest are written again next round anyway,
/// and a crash then cannot leave a dead letter past the commit that a restart would decide differently.
/// </summary>
public sealed record AckDecision(
    IReadOnlyList<RetryInstruction> Retries,
    IReadOnlyList<DeadLetter> DeadLetters,
    int SucceededCount,
    int FailedCount,
    int DiscardedCount)
{
    /// <summary>The longest backoff among <see cref="Retries"/>: the next round waits this long.</summary>
    public TimeSpan RetryDelay => Retries.Count == 0 ? TimeSpan.Zero : Retries.Max(r => r.Backoff);
}
