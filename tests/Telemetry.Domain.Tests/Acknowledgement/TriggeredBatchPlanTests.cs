using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class TriggeredBatchPlanTests
{
    private static readonly RetryPolicy ThreeRetries = new() { MaxRetries = 3, JitterRatio = 0 };
    private static readonly MessageOutcome Ok = MessageOutcome.Succeeded;
    private static readonly MessageOutcome Timeout = MessageOutcome.Failed("TimeoutException", "store timed out");
    private static readonly MessageOutcome NotJson = MessageOutcome.Malformed("not_json", "value is not JSON");

    [Theory]
    [InlineData(AckStrategy.AllOrNothing, null)]
    [InlineData(AckStrategy.BestEffort, 11L)]
    [InlineData(AckStrategy.LastSuccessful, 11L)]
    public void A_transient_failure_with_retries_left_redelivers_and_counts_only_the_strategys_prefix(AckStrategy strategy, long? countThrough)
    {
        var plan = TriggeredBatchPlan.Decide(strategy, ThreeRetries, Records.Range(10, 4), [Ok, Ok, Timeout, NotJson], new TriggerAttempt(0, 5));

        Assert.Equal(TriggeredBatchAction.Redeliver, plan.Action);
        Assert.Equal(countThrough, plan.CountThroughOffset);
        Assert.Empty(plan.DeadLetters);
        var retry = Assert.Single(plan.Retries);
        Assert.Equal((12L, 1), (retry.Record.Offset, retry.RetryNumber));
    }

    [Fact]
    public void A_malformed_message_alone_does_not_redeliver_it_is_dead_lettered_and_the_batch_completes()
    {
        foreach (var strategy in Enum.GetValues<AckStrategy>())
        {
            var plan = TriggeredBatchPlan.Decide(strategy, ThreeRetries, Records.Range(0, 3), [Ok, NotJson, Ok], new TriggerAttempt(0, 5));
            Assert.Equal(TriggeredBatchAction.Complete, plan.Action);
            Assert.Equal((1L, DeadLetterReason.Malformed), (plan.DeadLetters[0].Record.Offset, plan.DeadLetters[0].Reason));
            plan = plan.ConfirmDeadLetters([DeadLetterDelivery.Success(1)]);
            Assert.Equal((TriggeredBatchAction.Complete, 2L), (plan.Action, plan.CountThroughOffset));
        }
    }

    [Fact]
    public void On_the_final_attempt_failures_are_dead_lettered_with_the_retry_count_and_the_batch_completes()
    {
        var plan = TriggeredBatchPlan.Decide(AckStrategy.LastSuccessful, ThreeRetries, Records.Range(0, 3), [Ok, Timeout, Ok], new TriggerAttempt(3, 5));
        Assert.Equal(TriggeredBatchAction.Complete, plan.Action);
        var deadLetter = Assert.Single(plan.DeadLetters);
        Assert.Equal((1L, DeadLetterReason.MaxRetriesExceeded, 3), (deadLetter.Record.Offset, deadLetter.Reason, deadLetter.RetryCount));
        Assert.Equal(2L, plan.ConfirmDeadLetters([DeadLetterDelivery.Success(1)]).CountThroughOffset);
    }

    [Theory]
    [InlineData(2, 5, false)]
    [InlineData(3, 5, true)]
    [InlineData(1, 1, true)]
    [InlineData(3, -1, true)]
    [InlineData(2, -1, false)]
    [InlineData(0, 0, true)]
    public void The_final_attempt_is_the_smaller_of_the_trigger_and_policy_limits(int retryCount, int maxRetryCount, bool final) =>
        Assert.Equal(final, new TriggerAttempt(retryCount, maxRetryCount).IsFinal(ThreeRetries));

    [Theory]
    [InlineData(AckStrategy.AllOrNothing)]
    [InlineData(AckStrategy.BestEffort)]
    [InlineData(AckStrategy.LastSuccessful)]
    public void An_undelivered_dead_letter_turns_completion_into_redelivery_counting_only_what_precedes_it(AckStrategy strategy)
    {
        var plan = TriggeredBatchPlan.Decide(strategy, ThreeRetries, Records.Range(0, 5), [Ok, NotJson, Ok, NotJson, NotJson], TriggerAttempt.NoRetryPolicy);
        plan = plan.ConfirmDeadLetters([DeadLetterDelivery.Success(1), DeadLetterDelivery.Failure(3, "BrokerNotAvailable")]);

        Assert.Equal(TriggeredBatchAction.Redeliver, plan.Action);
        Assert.Equal(2L, plan.CountThroughOffset);
        Assert.Equal([3L, 4L], plan.FailedDeadLetters.Select(d => d.Record.Offset));
    }

    [Fact]
    public void Records_at_or_below_the_ledger_watermark_are_already_final_and_ignored()
    {
        var plan = TriggeredBatchPlan.Decide(AckStrategy.LastSuccessful, ThreeRetries, Records.Range(0, 4), [NotJson, Timeout, Ok, Ok], new TriggerAttempt(0, 5), countedThrough: 1);
        Assert.Equal(TriggeredBatchAction.Complete, plan.Action);
        Assert.Empty(plan.DeadLetters);
        Assert.Equal(3L, plan.CountThroughOffset);

        var replayed = TriggeredBatchPlan.Decide(AckStrategy.BestEffort, ThreeRetries, Records.Range(0, 2), [Ok, Ok], new TriggerAttempt(0, 5), countedThrough: 1);
        Assert.Equal((TriggeredBatchAction.Complete, (long?)null), (replayed.Action, replayed.CountThroughOffset));
    }
}
