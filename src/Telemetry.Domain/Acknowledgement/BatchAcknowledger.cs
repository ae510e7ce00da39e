using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Acknowledgement;

/// <summary>
/// Kafee's acknowledgement semantics for one partition's batch, as a small state machine a host drives:
/// handle <see cref="ToHandle"/> → <see cref="Decide"/> → write the dead letters → <see cref="ConfirmDeadLetters"/>
/// → commit → wait <see cref="AckCommit.RetryDelay"/> → repeat until <see cref="IsComplete"/>. It does no I/O
/// and reads no clock, so it behaves the same under the standalone host, in tests and in benchmarks.
/// </summary>
/// <remarks>
/// A record listed in <see cref="ToHandle"/> is handled again: whatever its previous handling produced must be
/// dropped (all_or_nothing re-runs the whole batch, last_successful redelivers from the first failure).
/// Not thread-safe: one instance belongs to the one loop that owns the partition.
/// </remarks>
public sealed class BatchAcknowledger
{
    private readonly ConsumedRecord[] _records;
    private readonly RecordState[] _states;
    private readonly int[] _failures;
    private readonly int[] _deadLetterFailures;
    private readonly DeadLetter?[] _deadLetters;
    private readonly RetryPolicy _policy;
    private List<int> _toHandle;
    private List<ConsumedRecord>? _toHandleRecords;
    private List<DeadLetter> _inFlight = [];
    private TimeSpan _pendingRetryDelay;
    private long? _commitOffset;
    private Phase _phase;

    /// <param name="records">One partition's records in increasing offset order.</param>
    /// <param name="strategy">The acknowledgement strategy.</param>
    /// <param name="policy">Retry limits and backoff.</param>
    /// <param name="previousFailures">Failures each record already had (a host that resumes a batch), aligned with <paramref name="records"/>; none by default.</param>
    public BatchAcknowledger(
        IReadOnlyList<ConsumedRecord> records,
        AckStrategy strategy,
        RetryPolicy policy,
        IReadOnlyList<int>? previousFailures = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(policy);
        if (!Enum.IsDefined(strategy))
        {
            throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown acknowledgement strategy.");
        }

        PartitionBatch.RequireOnePartitionInOrder(records, nameof(records));
        if (previousFailures is not null && previousFailures.Count != records.Count)
        {
            throw new ArgumentException($"{previousFailures.Count} failure counts for {records.Count} records.", nameof(previousFailures));
        }

        _records = [.. records];
        _policy = policy.Validate();
        Strategy = strategy;
        _states = new RecordState[_records.Length];
        _failures = previousFailures is null ? new int[_records.Length] : [.. previousFailures];
        if (_failures.Any(f => f < 0))
        {
            throw new ArgumentException("Failure counts cannot be negative.", nameof(previousFailures));
        }

        _deadLetterFailures = new int[_records.Length];
        _deadLetters = new DeadLetter?[_records.Length];
        _toHandle = [.. Enumerable.Range(0, _records.Length)];
        _phase = _records.Length == 0 ? Phase.Complete : Phase.Handling;
    }

    public AckStrategy Strategy { get; }

    public IReadOnlyList<ConsumedRecord> Records => _records;

    /// <summary>The records to handle in this round, in offset order; empty when only dead-letter writes are pending.</summary>
    public IReadOnlyList<ConsumedRecord> ToHandle => _phase == Phase.Handling ? _toHandleRecords ??= _toHandle.ConvertAll(i => _records[i]) : [];

    /// <summary>Every record succeeded or is dead-lettered.</summary>
    public bool IsComplete => _phase == Phase.Complete;

    /// <summary>The safe commit offset so far (next offset to read), or null.</summary>
    public long? CommitOffset => _commitOffset;

    /// <summary>
    /// Takes the outcomes of handling <see cref="ToHandle"/> (same order and count) and decides retries and
    /// dead letters. Dead letters whose earlier write failed are included again.
    /// </summary>
    public AckDecision Decide(IReadOnlyList<MessageOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        RequirePhase(Phase.Handling, nameof(Decide));
        if (outcomes.Count != _toHandle.Count)
        {
            throw new ArgumentException($"{outcomes.Count} outcomes for {_toHandle.Count} records to handle.", nameof(outcomes));
        }

        var retries = new List<RetryInstruction>();
        int succeeded = 0, failed = 0, discarded = 0;
        var redeliverFromHere = false;
        for (var n = 0; n < _toHandle.Count; n++)
        {
            var i = _toHandle[n];
            if (redeliverFromHere)
            {
                // last_successful: what follows the first failure is redelivered, so its outcome does not count yet.
                _states[i] = RecordState.Pending;
                discarded++;
                continue;
            }

            var outcome = outcomes[n];
            switch (outcome.Kind)
            {
                case OutcomeKind.Succeeded:
                    _states[i] = RecordState.Succeeded;
                    succeeded++;
                    break;
                case OutcomeKind.Malformed:
                    failed++;
                    AwaitDeadLetter(i, DeadLetter.Create(_records[i], DeadLetterReason.Malformed, outcome, _failures[i]));
                    break;
                case OutcomeKind.Failed:
                    failed++;
                    _failures[i]++;
                    if (_failures[i] > _policy.MaxRetries)
                    {
                        AwaitDeadLetter(i, DeadLetter.Create(_records[i], DeadLetterReason.MaxRetriesExceeded, outcome, _policy.MaxRetries));
                    }
                    else
                    {
                        _states[i] = RecordState.Pending;
                        var record = _records[i];
                        retries.Add(new RetryInstruction(
                            record,
                            _failures[i],
                            _policy.Backoff(_failures[i], record.Partition, record.Offset),
                            BoundedText.Bound(outcome.ErrorKind, DeadLetter.MaxErrorKindLength),
                            BoundedText.Bound(outcome.ErrorMessage, DeadLetter.MaxErrorMessageLength)));
                        redeliverFromHere = Strategy == AckStrategy.LastSuccessful;
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown outcome kind {outcome.Kind} at position {n}.", nameof(outcomes));
            }
        }

        _toHandle = NextRound(retries.Count > 0);
        _toHandleRecords = null;
        _inFlight = [];
        for (var i = 0; i < _records.Length; i++)
        {
            if (_states[i] == RecordState.AwaitingDeadLetter)
            {
                _inFlight.Add(_deadLetters[i]!);
            }
        }

        var decision = new AckDecision(retries, _inFlight, succeeded, failed, discarded);
        _pendingRetryDelay = decision.RetryDelay;
        _phase = Phase.Confirming;
        return decision;
    }

    /// <summary>
    /// Takes the delivery reports of the dead letters <see cref="Decide"/> returned and gives the safe commit.
    /// A dead letter without a report counts as not delivered: the commit never passes it.
    /// </summary>
    public AckCommit ConfirmDeadLetters(IReadOnlyList<DeadLetterDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        RequirePhase(Phase.Confirming, nameof(ConfirmDeadLetters));

        var inFlight = _inFlight.Select(d => d.Record.Offset).ToHashSet();
        var delivered = new HashSet<long>();
        foreach (var delivery in deliveries)
        {
            if (!inFlight.Contains(delivery.Offset))
            {
                throw new ArgumentException($"Offset {delivery.Offset} has no dead letter in flight.", nameof(deliveries));
            }

            if (delivery.Delivered)
            {
                delivered.Add(delivery.Offset);
            }
        }

        var failedDeadLetters = new List<DeadLetter>();
        var delay = _pendingRetryDelay;
        foreach (var deadLetter in _inFlight)
        {
            var i = IndexOf(deadLetter.Record.Offset);
            if (delivered.Contains(deadLetter.Record.Offset))
            {
                _states[i] = RecordState.DeadLettered;
                continue;
            }

            failedDeadLetters.Add(deadLetter);
            _deadLetterFailures[i]++;
            var rewriteDelay = _policy.Backoff(_deadLetterFailures[i], deadLetter.Record.Partition, deadLetter.Record.Offset);
            delay = rewriteDelay > delay ? rewriteDelay : delay;
        }

        _inFlight = [];
        var previous = _commitOffset;
        _commitOffset = SafeCommitOffset() ?? previous;
        var complete = _toHandle.Count == 0 && failedDeadLetters.Count == 0;
        _phase = complete ? Phase.Complete : Phase.Handling;
        return new AckCommit(_commitOffset, _commitOffset != previous, failedDeadLetters, complete ? TimeSpan.Zero : delay, complete);
    }

    private void AwaitDeadLetter(int index, DeadLetter deadLetter)
    {
        _states[index] = RecordState.AwaitingDeadLetter;
        _deadLetters[index] = deadLetter;
    }

    private List<int> NextRound(bool anyRetry)
    {
        var next = new List<int>();
        if (!anyRetry && Strategy != AckStrategy.LastSuccessful)
        {
            return next;
        }

        for (var i = 0; i < _records.Length; i++)
        {
            var state = _states[i];
            var again = Strategy switch
            {
                // Kafee retries the whole batch: successes are handled again with it.
                AckStrategy.AllOrNothing => state is RecordState.Pending or RecordState.Succeeded,
                _ => state == RecordState.Pending,
            };
            if (again)
            {
                _states[i] = RecordState.Pending;
                next.Add(i);
            }
        }

        return next;
    }

    private long? SafeCommitOffset()
    {
        var prefix = 0;
        while (prefix < _records.Length && _states[prefix] is RecordState.Succeeded or RecordState.DeadLettered)
        {
            prefix++;
        }

        if (prefix == 0)
        {
            return null;
        }

        // all_or_nothing: the whole batch or nothing; the others may commit the finalised prefix.
        return Strategy == AckStrategy.AllOrNothing && prefix < _records.Length
            ? null
            : _records[prefix - 1].Offset + 1;
    }

    private int IndexOf(long offset)
    {
        // Offsets increase strictly (checked at construction), so a binary search finds the record.
        int lo = 0, hi = _records.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var current = _records[mid].Offset;
            if (current == offset)
            {
                return mid;
            }

            if (current < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private void RequirePhase(Phase expected, string operation)
    {
        if (_phase != expected)
        {
            throw new InvalidOperationException(_phase == Phase.Complete
                ? $"{operation}: the batch is complete."
                : $"{operation} is not expected now: call {(_phase == Phase.Handling ? nameof(Decide) : nameof(ConfirmDeadLetters))} first.");
        }
    }

    private enum RecordState
    {
        Pending,
        Succeeded,
        AwaitingDeadLetter,
        DeadLettered,
    }

    private enum Phase
    {
        Handling,
        Confirming,
        Complete,
    }
}
