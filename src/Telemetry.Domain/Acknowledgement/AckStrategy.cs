namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Kafee's acknowledgement strategies: when a partition's batch may be committed, given per-message outcomes.
/// Configuration spells them <c>all_or_nothing</c>, <c>best_effort</c> and <c>last_successful</c> (see <see cref="AckStrategyNames"/>).
/// </summary>
public enum AckStrategy
{
    /// <summary>Commit only when every message succeeded or was dead-lettered; a transient failure retries the whole batch.</summary>
    AllOrNothing = 0,

    /// <summary>Retry only the failed messages, dead-letter them when their retries run out, always end at the batch's last offset.</summary>
    BestEffort = 1,

    /// <summary>Commit up to the message before the first failure and redeliver from there; an exhausted message is dead-lettered and passed.</summary>
    LastSuccessful = 2,
}
