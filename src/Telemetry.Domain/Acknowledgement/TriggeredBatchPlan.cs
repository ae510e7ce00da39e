using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// The acknowledgement strategies under the Azure Functions Kafka trigger, where the host cannot commit a
/// prefix or seek: the extension commits the whole batch when the function returns and, with
/// <c>commitOnFailure: false</c>, runs the batch again when it throws. One invocation handles every record
/// and asks this plan what to do (see docs/acknowledgement.md):
/// <list type="bullet">
/// <item>a transient failure with retries left → <see cref="TriggeredBatchAction.Redeliver"/> (throw), no dead letters
/// written, and only a finalised prefix counted in the ledger (none for all_or_nothing; up to the first
/// non-success for best_effort and last_successful), so the records after the failure are never lost and the
/// ledger watermark makes the replay of the counted prefix harmless;</item>
/// <item>otherwise → dead-letter every malformed or still failing record (in offset order, stopping at the first
/// failed write), then <see cref="TriggeredBatchAction.Complete"/>; a dead letter that was not delivered turns it
/// into <see cref="TriggeredBatchAction.Redeliver"/> with the ledger watermark stopping just before it.</item>
/// </list>
/// Records at or below the ledger watermark are already finalised (counted or dead-lettered by an earlier
/// execution) and are skipped, so a replay neither counts them again nor dead-letters them twice.
/// </summary>
public sealed class TriggeredBatchPlan
{
    private readonly IReadOnlyList<ConsumedRecord> _records;
    private readonly int _first;

    private TriggeredBatchPlan(
        AckStrategy strategy,
        IReadOnlyList<ConsumedRecord> records,
        int first,
        TriggeredBatchAction action,
        long? countThroughOffset,
        IReadOnlyList<DeadLetter> deadLetters,
        IReadOnlyList<RetryInstruction> retries,
        IReadOnlyList<DeadLetter> failedDeadLetters)
    {
        Strategy = strategy;
        _records = records;
        _first = first;
        Action = action;
        CountThroughOffset = countThroughOffset;
        DeadLetters = deadLetters;
        Retries = retries;
        FailedDeadLetters = failedDeadLetters;
    }

    public AckStrategy Strategy { get; }

    public TriggeredBatchAction Action { get; }

    /// <summary>
    /// The last offset (inclusive) whose results this invocation may write to the ledger, which becomes the
    /// partition's watermark; null when nothing new may be counted. Before <see cref="ConfirmDeadLetters"/>
    /// it assumes every dead letter is delivered: write the ledger only after confirming.
    /// </summary>
    public long? CountThroughOffset { get; }

    /// <summary>
    /// Dead letters to write before returning, in offset order; empty when the plan is to redeliver. Write them
    /// in this order and stop at the first failure (report the rest as not delivered): a dead letter delivered
    /// after an undelivered one would be decided again by the replay.
    /// </summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; }

    /// <summary>Failed records that get another execution (for Kafee's <c>message_retry</c>); the trigger's retry policy sets the real delay.</summary>
    public IReadOnlyList<RetryInstruction> Retries { get; }

    /// <summary>Dead letters whose write failed (Kafee's <c>dlq_error</c>), after <see cref="ConfirmDeadLetters"/>.</summary>
    public IReadOnlyList<DeadLetter> FailedDeadLetters { get; }

    /// <summary>Decides an invocation of the batch <paramref name="records"/> (one partition, offset order) given every record's outcome.</summary>
    /// <param name="countedThrough">The ledger watermark of this partition (last finalised offset), or null; outcomes of records at or below it are ignored.</param>
    public static TriggeredBatchPlan Decide(
        AckStrategy strategy,
        RetryPolicy policy,
        IReadOnlyList<ConsumedRecord> records,
        IReadOnlyList<MessageOutcome> outcomes,
        TriggerAttempt attempt,
        long? countedThrough = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (!Enum.IsDefined(strategy))
        {
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown acknowledgement strategy.");
        }

        if (outcomes.Count != records.Count)
        {
            throw new ArgumentException($"{outcomes.Count} outcomes for {records.Count} records.", nameof(outcomes));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(attempt.RetryCount, nameof(attempt));
        PartitionBatch.RequireOnePartitionInOrder(records, nameof(records));
        policy.Validate();

        var first = FirstUnfinalised(records, countedThrough);
        var anyTransient = false;
        for (var i = first; i < records.Count; i++)
        {
            anyTransient |= outcomes[i].Kind == OutcomeKind.Failed;
        }

        if (anyTransient && !attempt.IsFinal(policy))
        {
            var retries = new List<RetryInstruction>();
            var prefixEnd = -1;
            var inPrefix = true;
            for (var i = first; i < records.Count; i++)
            {
                var outcome = outcomes[i];
                inPrefix &= outcome.IsSuccess;
                if (inPrefix)
                {
                    prefixEnd = i;
                }

                if (outcome.Kind == OutcomeKind.Failed)
                {
                    var record = records[i];
                    var retryNumber = attempt.RetryCount + 1;
                    retries.Add(new RetryInstruction(
                        record,
                        retryNumber,
                        policy.Backoff(retryNumber, record.Partition, record.Offset),
                        BoundedText.Bound(outcome.ErrorKind, DeadLetter.MaxErrorKindLength),
                        BoundedText.Bound(outcome.ErrorMessage, DeadLetter.MaxErrorMessageLength)));
                }
            }

            long? countThrough = strategy == AckStrategy.AllOrNothing || prefixEnd < 0 ? null : records[prefixEnd].Offset;
            return new TriggeredBatchPlan(strategy, records, first, TriggeredBatchAction.Redeliver, countThrough, [], retries, []);
        }

        var deadLetters = new List<DeadLetter>();
        for (var i = first; i < records.Count; i++)
        {
            var outcome = outcomes[i];
            if (!outcome.IsSuccess)
            {
                var reason = outcome.Kind == OutcomeKind.Malformed ? DeadLetterReason.Malformed : DeadLetterReason.MaxRetriesExceeded;
                deadLetters.Add(DeadLetter.Create(records[i], reason, outcome, attempt.RetryCount));
            }
        }

        long? through = first < records.Count ? records[^1].Offset : null;
        return new TriggeredBatchPlan(strategy, records, first, TriggeredBatchAction.Complete, through, deadLetters, [], []);
    }

    /// <summary>
    /// Takes the delivery reports of <see cref="DeadLetters"/> and gives the final plan: complete when all were
    /// delivered; otherwise redeliver, counting only what precedes the first undelivered dead letter (for every
    /// strategy, since that prefix is settled). A dead letter without a report counts as not delivered.
    /// </summary>
    public TriggeredBatchPlan ConfirmDeadLetters(IReadOnlyList<DeadLetterDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (Action != TriggeredBatchAction.Complete || (DeadLetters.Count == 0 && deliveries.Count == 0))
        {
            return this;
        }

        var delivered = new HashSet<long>();
        foreach (var delivery in deliveries)
        {
            if (!DeadLetters.Any(d => d.Record.Offset == delivery.Offset))
            {
                throw new ArgumentException($"Offset {delivery.Offset} has no dead letter in this plan.", nameof(deliveries));
            }

            if (delivery.Delivered)
            {
                delivered.Add(delivery.Offset);
            }
        }

        var failed = DeadLetters.Where(d => !delivered.Contains(d.Record.Offset)).ToList();
        if (failed.Count == 0)
        {
            return this;
        }

        // Even all_or_nothing records the settled prefix now: those dead letters are out, and a replay must
        // neither write them again nor count records whose fate is already decided.
        var blocking = failed[0].Record.Offset;
        long? countThrough = null;
        for (var i = _first; i < _records.Count && _records[i].Offset < blocking; i++)
        {
            countThrough = _records[i].Offset;
        }

        return new TriggeredBatchPlan(Strategy, _records, _first, TriggeredBatchAction.Redeliver, countThrough, [], [], failed);
    }

    /// <summary>
    /// What the invocation does when the delivered batch spanned several partitions, each with its own plan:
    /// it throws if any partition must be redelivered. The partitions that completed are then replayed too, but
    /// their ledger watermark makes that harmless.
    /// </summary>
    public static TriggeredBatchAction Overall(IEnumerable<TriggeredBatchPlan> partitionPlans)
    {
        ArgumentNullException.ThrowIfNull(partitionPlans);
        return partitionPlans.Any(p => p.Action == TriggeredBatchAction.Redeliver) ? TriggeredBatchAction.Redeliver : TriggeredBatchAction.Complete;
    }

    private static int FirstUnfinalised(IReadOnlyList<ConsumedRecord> records, long? countedThrough)
    {
        var first = 0;
        if (countedThrough is { } watermark)
        {
            while (first < records.Count && records[first].Offset <= watermark)
            {
                first++;
            }
        }

        return first;
    }
}
