using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>
/// Simulates the Functions Kafka trigger with <c>commitOnFailure: false</c> around <see cref="TriggeredBatchPlan"/>:
/// every invocation handles every record above the ledger watermark; a throw re-runs the batch with the next
/// <c>RetryContext</c>, and once the trigger's retry policy is spent the extension redelivers with a fresh one;
/// a normal return commits the whole batch. Messages here fail by how often they were handled.
/// </summary>
public sealed class TriggeredBatchPlanPropertyTests
{
    private static readonly Gen<(AcknowledgementScenario Scenario, int TriggerMaxRetries)> Scenarios =
        Gen.Select(AcknowledgementScenario.Any, Gen.Int[-1, 4]);

    [Fact]
    public void Nothing_is_lost_nothing_is_counted_twice_and_the_commit_follows_the_ledger() =>
        Scenarios.Sample((scenario, triggerMax) =>
        {
            var run = Simulate(scenario, triggerMax);

            Assert.True(run.Committed, "the batch was never committed");
            for (var i = 0; i < scenario.Records.Count; i++)
            {
                var offset = scenario.Records[i].Offset;
                var counted = run.Counted.Count(o => o == offset);
                var deadLettered = run.Delivered.Count(d => d.Record.Offset == offset);
                Assert.True(counted + deadLettered >= 1, $"offset {offset} was lost");
                Assert.True(counted <= 1, $"offset {offset} was counted {counted} times");
                Assert.False(counted == 1 && deadLettered > 0, $"offset {offset} was counted and dead-lettered");
            }

            if (scenario.Strategy == AckStrategy.AllOrNothing)
            {
                Assert.True(run.WritesWhileRetrying == 0, "all_or_nothing counted part of a batch that still had retries to make");
            }
        }, iter: 3_000, print: t => $"{t.Item1} triggerMax={t.Item2}");

    [Fact]
    public void Without_dead_letter_failures_each_message_ends_as_the_reference_model_says() =>
        Scenarios
            .Select(t => (Scenario: t.Scenario with { Scripts = [.. t.Scenario.Scripts.Select(s => s with { DeadLetterWriteFailures = 0 })] }, t.TriggerMaxRetries))
            .Sample((scenario, triggerMax) =>
            {
                // The limit is the smaller of ours and the trigger's; every invocation handles every unsettled record,
                // so the batch completes at the first invocation without a transient failure or at the limit.
                var limit = triggerMax < 0 ? scenario.Policy.MaxRetries : Math.Min(scenario.Policy.MaxRetries, triggerMax);
                var initialFailures = scenario.Scripts.Select(s => s.Ending == Ending.NeverRecovers ? int.MaxValue : s.FailuresFirst).ToList();
                var completingRetry = Math.Min(limit, initialFailures.DefaultIfEmpty(0).Max());

                var run = Simulate(scenario, triggerMax);

                Assert.Equal(completingRetry + 1, run.Invocations);
                for (var i = 0; i < scenario.Records.Count; i++)
                {
                    var offset = scenario.Records[i].Offset;
                    var stillFailing = completingRetry < initialFailures[i];
                    var deadLetter = run.Delivered.SingleOrDefault(d => d.Record.Offset == offset);
                    if (stillFailing)
                    {
                        Assert.Equal((DeadLetterReason.MaxRetriesExceeded, limit), (deadLetter?.Reason, deadLetter?.RetryCount));
                    }
                    else if (scenario.Scripts[i].Ending == Ending.Malformed)
                    {
                        Assert.Equal((DeadLetterReason.Malformed, completingRetry), (deadLetter?.Reason, deadLetter?.RetryCount));
                    }
                    else
                    {
                        Assert.Null(deadLetter);
                        Assert.Contains(offset, run.Counted);
                    }
                }
            }, iter: 3_000, print: t => $"{t.Item1} triggerMax={t.Item2}");

    private sealed record Simulation(bool Committed, int Invocations, List<long> Counted, List<DeadLetter> Delivered, int WritesWhileRetrying);

    private static Simulation Simulate(AcknowledgementScenario scenario, int triggerMax)
    {
        var records = scenario.Records;
        var handled = new int[records.Count];
        var writes = new int[records.Count];
        var counted = new List<long>();
        var delivered = new List<DeadLetter>();
        long? watermark = null;
        var retryCount = 0;
        var writesWhileRetrying = 0;
        for (var invocation = 1; invocation <= 500; invocation++)
        {
            var outcomes = records
                .Select((r, i) => watermark is { } w && r.Offset <= w ? MessageOutcome.Succeeded : scenario.Scripts[i].OutcomeAfter(handled[i]++))
                .ToList();
            var plan = TriggeredBatchPlan.Decide(scenario.Strategy, scenario.Policy, records, outcomes, new TriggerAttempt(retryCount, triggerMax), watermark);
            var retrying = plan.Action == TriggeredBatchAction.Redeliver;
            if (retrying)
            {
                Assert.Empty(plan.DeadLetters);
            }

            var deliveredNow = new List<DeadLetter>();
            var deliveries = new List<DeadLetterDelivery>();
            foreach (var deadLetter in plan.DeadLetters)
            {
                // As the plan asks: in order, stopping at the first failed write.
                var i = records.ToList().IndexOf(deadLetter.Record);
                var ok = ++writes[i] > scenario.Scripts[i].DeadLetterWriteFailures;
                deliveries.Add(new DeadLetterDelivery(deadLetter.Record.Offset, ok));
                if (!ok)
                {
                    break;
                }

                deliveredNow.Add(deadLetter);
            }

            plan = plan.ConfirmDeadLetters(deliveries);
            delivered.AddRange(deliveredNow);

            if (plan.CountThroughOffset is { } through)
            {
                writesWhileRetrying += retrying ? 1 : 0;
                for (var i = 0; i < records.Count; i++)
                {
                    var offset = records[i].Offset;
                    if ((watermark is null || offset > watermark) && offset <= through)
                    {
                        // The ledger may only pass a record that succeeded now or whose dead letter was delivered now.
                        var settled = outcomes[i].IsSuccess || deliveredNow.Exists(d => d.Record.Offset == offset);
                        Assert.True(settled, $"the watermark passed offset {offset}, which is neither counted nor dead-lettered");
                        if (outcomes[i].IsSuccess)
                        {
                            counted.Add(offset);
                        }
                    }
                }

                Assert.True(watermark is null || through > watermark, "the watermark did not advance");
                watermark = through;
            }

            if (plan.Action == TriggeredBatchAction.Complete)
            {
                Assert.True(records.Count == 0 || watermark == records[^1].Offset, "the batch was committed past the ledger");
                return new Simulation(true, invocation, counted, delivered, writesWhileRetrying);
            }

            retryCount = triggerMax < 0 || retryCount < triggerMax ? retryCount + 1 : 0;
        }

        return new Simulation(false, 500, counted, delivered, writesWhileRetrying);
    }
}
