using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class BatchAcknowledgerTests
{
    private static readonly RetryPolicy TwoRetries = new() { MaxRetries = 2, InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1), JitterRatio = 0 };
    private static readonly MessageOutcome Ok = MessageOutcome.Succeeded;
    private static readonly MessageOutcome Timeout = MessageOutcome.Failed("TimeoutException", "store timed out");
    private static readonly MessageOutcome NotJson = MessageOutcome.Malformed("not_json", "value is not JSON");

    [Fact]
    public void All_or_nothing_retries_the_whole_batch_and_commits_nothing_until_it_all_succeeds()
    {
        var ack = new BatchAcknowledger(Records.Range(10, 3), AckStrategy.AllOrNothing, TwoRetries);

        var decision = ack.Decide([Ok, Timeout, Ok]);
        Assert.Equal([11L], decision.Retries.Select(r => r.Record.Offset));
        Assert.Equal(1, decision.Retries[0].RetryNumber);
        Assert.Equal(TimeSpan.FromMilliseconds(100), decision.RetryDelay);
        var commit = ack.ConfirmDeadLetters([]);
        Assert.Null(commit.CommitOffset);
        Assert.False(commit.IsComplete);
        Assert.Equal([10L, 11L, 12L], ack.ToHandle.Select(r => r.Offset));

        ack.Decide([Ok, Ok, Ok]);
        commit = ack.ConfirmDeadLetters([]);
        Assert.Equal(13, commit.CommitOffset);
        Assert.True(commit.Advanced);
        Assert.True(commit.IsComplete);
    }

    [Fact]
    public void All_or_nothing_dead_letters_an_exhausted_message_and_then_commits_the_batch()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 2), AckStrategy.AllOrNothing, TwoRetries);
        ack.Decide([Ok, Timeout]);
        ack.ConfirmDeadLetters([]);
        var second = ack.Decide([Ok, Timeout]);
        Assert.Equal(TimeSpan.FromMilliseconds(200), second.RetryDelay);
        ack.ConfirmDeadLetters([]);

        var third = ack.Decide([Ok, Timeout]);
        var deadLetter = Assert.Single(third.DeadLetters);
        Assert.Equal((1L, DeadLetterReason.MaxRetriesExceeded, 2, "TimeoutException"), (deadLetter.Record.Offset, deadLetter.Reason, deadLetter.RetryCount, deadLetter.ErrorKind));
        Assert.Empty(third.Retries);
        var commit = ack.ConfirmDeadLetters([DeadLetterDelivery.Success(1)]);
        Assert.Equal(2, commit.CommitOffset);
        Assert.True(commit.IsComplete);
    }

    [Fact]
    public void Best_effort_retries_only_the_failed_message_and_commits_the_finalised_prefix()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 4), AckStrategy.BestEffort, TwoRetries);
        ack.Decide([Ok, Ok, Timeout, Ok]);
        var commit = ack.ConfirmDeadLetters([]);
        Assert.Equal(2, commit.CommitOffset);
        Assert.Equal([2L], ack.ToHandle.Select(r => r.Offset));

        ack.Decide([Ok]);
        commit = ack.ConfirmDeadLetters([]);
        Assert.Equal(4, commit.CommitOffset);
        Assert.True(commit.IsComplete);
    }

    [Fact]
    public void Last_successful_redelivers_from_the_first_failure_and_ignores_what_followed_it()
    {
        var ack = new BatchAcknowledger(Records.Range(100, 5), AckStrategy.LastSuccessful, TwoRetries);
        var decision = ack.Decide([Ok, Timeout, NotJson, Ok, Timeout]);
        Assert.Equal([101L], decision.Retries.Select(r => r.Record.Offset));
        Assert.Empty(decision.DeadLetters);
        Assert.Equal(3, decision.DiscardedCount);
        Assert.Equal(101, ack.ConfirmDeadLetters([]).CommitOffset);
        Assert.Equal([101L, 102L, 103L, 104L], ack.ToHandle.Select(r => r.Offset));

        decision = ack.Decide([Ok, NotJson, Ok, Ok]);
        Assert.Equal((102L, DeadLetterReason.Malformed, "not_json"), (decision.DeadLetters[0].Record.Offset, decision.DeadLetters[0].Reason, decision.DeadLetters[0].ErrorKind));
        var commit = ack.ConfirmDeadLetters([DeadLetterDelivery.Success(102)]);
        Assert.Equal(105, commit.CommitOffset);
        Assert.True(commit.IsComplete);
    }

    [Fact]
    public void Malformed_messages_go_to_the_dead_letter_topic_at_once()
    {
        foreach (var strategy in Enum.GetValues<AckStrategy>())
        {
            var ack = new BatchAcknowledger(Records.Range(0, 2), strategy, TwoRetries);
            var decision = ack.Decide([NotJson, Ok]);
            var deadLetter = Assert.Single(decision.DeadLetters);
            Assert.Equal((0L, DeadLetterReason.Malformed, 0), (deadLetter.Record.Offset, deadLetter.Reason, deadLetter.RetryCount));
            Assert.Empty(decision.Retries);
            Assert.True(ack.ConfirmDeadLetters([DeadLetterDelivery.Success(0)]).IsComplete);
        }
    }

    [Fact]
    public void A_failed_dead_letter_write_holds_the_commit_back_and_is_written_again()
    {
        foreach (var strategy in Enum.GetValues<AckStrategy>())
        {
            var ack = new BatchAcknowledger(Records.Range(0, 3), strategy, TwoRetries);
            ack.Decide([Ok, NotJson, Ok]);
            var commit = ack.ConfirmDeadLetters([DeadLetterDelivery.Failure(1, "BrokerNotAvailable")]);
            Assert.Equal(strategy == AckStrategy.AllOrNothing ? null : 1L, commit.CommitOffset);
            Assert.Equal([1L], commit.FailedDeadLetters.Select(d => d.Record.Offset));
            Assert.Equal(TimeSpan.FromMilliseconds(100), commit.RetryDelay);
            Assert.False(commit.IsComplete);
            Assert.Empty(ack.ToHandle);

            var again = ack.Decide([]);
            Assert.Equal([1L], again.DeadLetters.Select(d => d.Record.Offset));
            commit = ack.ConfirmDeadLetters([]);
            Assert.False(commit.IsComplete);

            ack.Decide([]);
            commit = ack.ConfirmDeadLetters([DeadLetterDelivery.Success(1)]);
            Assert.Equal(3, commit.CommitOffset);
            Assert.True(commit.IsComplete);
        }
    }

    [Fact]
    public void Zero_retries_dead_letters_at_the_first_failure()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 1), AckStrategy.BestEffort, new RetryPolicy { MaxRetries = 0 });
        var decision = ack.Decide([Timeout]);
        Assert.Equal((DeadLetterReason.MaxRetriesExceeded, 0), (decision.DeadLetters[0].Reason, decision.DeadLetters[0].RetryCount));
    }

    [Fact]
    public void Previous_failures_count_towards_the_limit()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 2), AckStrategy.BestEffort, TwoRetries, previousFailures: [2, 0]);
        var decision = ack.Decide([Timeout, Timeout]);
        Assert.Equal([0L], decision.DeadLetters.Select(d => d.Record.Offset));
        Assert.Equal([1L], decision.Retries.Select(r => r.Record.Offset));
    }

    [Fact]
    public void Error_texts_are_bounded_and_free_of_control_characters()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 1), AckStrategy.BestEffort, TwoRetries);
        var decision = ack.Decide([MessageOutcome.Malformed(new string('k', 500), "line1\nline2" + new string('x', 1000))]);
        var deadLetter = decision.DeadLetters[0];
        Assert.Equal(DeadLetter.MaxErrorKindLength + 1, deadLetter.ErrorKind.Length);
        Assert.Equal(DeadLetter.MaxErrorMessageLength + 1, deadLetter.ErrorMessage.Length);
        Assert.StartsWith("line1 line2", deadLetter.ErrorMessage, StringComparison.Ordinal);
        Assert.EndsWith("…", deadLetter.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_loop_is_enforced_and_bad_input_is_rejected()
    {
        var ack = new BatchAcknowledger(Records.Range(0, 2), AckStrategy.AllOrNothing, TwoRetries);
        Assert.Throws<InvalidOperationException>(() => ack.ConfirmDeadLetters([]));
        Assert.Throws<ArgumentException>(() => ack.Decide([Ok]));
        ack.Decide([Ok, NotJson]);
        Assert.Throws<InvalidOperationException>(() => ack.Decide([Ok, Ok]));
        Assert.Throws<ArgumentException>(() => ack.ConfirmDeadLetters([DeadLetterDelivery.Success(0)]));

        Assert.Throws<ArgumentException>(() => new BatchAcknowledger([Records.At(5), Records.At(4)], AckStrategy.BestEffort, TwoRetries));
        Assert.Throws<ArgumentException>(() => new BatchAcknowledger([Records.At(5, partition: 0), Records.At(6, partition: 1)], AckStrategy.BestEffort, TwoRetries));
        Assert.True(new BatchAcknowledger([], AckStrategy.BestEffort, TwoRetries).IsComplete);
    }

    [Fact]
    public void The_decoders_verdict_becomes_an_outcome_with_its_reason()
    {
        Assert.Equal(Ok, MessageOutcome.FromDecoding(new Telemetry.Domain.Processing.RecordOutcome(5, Telemetry.Domain.Ingestion.EnvelopeError.None, null)));
        var malformed = MessageOutcome.FromDecoding(new Telemetry.Domain.Processing.RecordOutcome(5, Telemetry.Domain.Ingestion.EnvelopeError.WrongSchemaVersion, "schema 9 is not supported"));
        Assert.Equal((OutcomeKind.Malformed, "wrong_schema_version", "schema 9 is not supported"), (malformed.Kind, malformed.ErrorKind, malformed.ErrorMessage));
    }
}
