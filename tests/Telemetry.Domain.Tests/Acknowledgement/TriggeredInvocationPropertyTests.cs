using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>
/// A trigger batch that mixes partitions: each partition is planned on its own with its own ledger watermark,
/// the invocation throws if any must be redelivered, and the replay of the partitions that had completed is harmless.
/// </summary>
public sealed class TriggeredInvocationPropertyTests
{
    [Fact]
    public void Partitions_sharing_an_invocation_lose_nothing_and_count_nothing_twice() =>
        Gen.Select(AcknowledgementScenario.Any, AcknowledgementScenario.Any, Gen.Int[-1, 3])
            .Sample((first, second, triggerMax) =>
            {
                var strategy = first.Strategy;
                var policy = first.Policy;
                var scripts = new Dictionary<(int, long), MessageScript>();
                var records = new List<ConsumedRecord>();
                foreach (var (scenario, partition) in new[] { (first, 0), (second, 1) })
                {
                    for (var i = 0; i < scenario.Records.Count; i++)
                    {
                        var record = Records.At(scenario.Records[i].Offset, partition);
                        records.Add(record);
                        scripts[(partition, record.Offset)] = scenario.Scripts[i];
                    }
                }

                // The trigger delivers partitions interleaved; order within a partition is kept.
                records = [.. records.GroupBy(r => r.Partition).SelectMany(g => g.OrderBy(r => r.Offset).Select((r, k) => (r, k))).OrderBy(t => t.k).Select(t => t.r)];

                var handled = new Dictionary<(int, long), int>();
                var writes = new Dictionary<(int, long), int>();
                var watermarks = new Dictionary<int, long?> { [0] = null, [1] = null };
                var counted = new List<(int, long)>();
                var deadLettered = new List<(int, long)>();
                var retryCount = 0;
                var committed = false;
                for (var invocation = 0; invocation < 500 && !committed; invocation++)
                {
                    var outcomes = records.Select(r =>
                    {
                        var key = (r.Partition, r.Offset);
                        if (watermarks[r.Partition] is { } w && r.Offset <= w)
                        {
                            return MessageOutcome.Succeeded;
                        }

                        handled[key] = handled.GetValueOrDefault(key) + 1;
                        return scripts[key].OutcomeAfter(handled[key] - 1);
                    }).ToList();

                    var plans = new List<TriggeredBatchPlan>();
                    foreach (var slice in PartitionBatch.Split(records, outcomes))
                    {
                        var plan = TriggeredBatchPlan.Decide(strategy, policy, slice.Records, slice.Items, new TriggerAttempt(retryCount, triggerMax), watermarks[slice.Partition]);
                        var deliveries = new List<DeadLetterDelivery>();
                        foreach (var deadLetter in plan.DeadLetters)
                        {
                            var key = (slice.Partition, deadLetter.Record.Offset);
                            writes[key] = writes.GetValueOrDefault(key) + 1;
                            var ok = writes[key] > scripts[key].DeadLetterWriteFailures;
                            deliveries.Add(new DeadLetterDelivery(deadLetter.Record.Offset, ok));
                            if (!ok)
                            {
                                break;
                            }

                            deadLettered.Add(key);
                        }

                        plan = plan.ConfirmDeadLetters(deliveries);
                        if (plan.CountThroughOffset is { } through)
                        {
                            for (var i = 0; i < slice.Records.Count; i++)
                            {
                                var offset = slice.Records[i].Offset;
                                if ((watermarks[slice.Partition] is not { } w || offset > w) && offset <= through && slice.Items[i].IsSuccess)
                                {
                                    counted.Add((slice.Partition, offset));
                                }
                            }

                            watermarks[slice.Partition] = through;
                        }

                        plans.Add(plan);
                    }

                    committed = TriggeredBatchPlan.Overall(plans) == TriggeredBatchAction.Complete;
                    retryCount = triggerMax < 0 || retryCount < triggerMax ? retryCount + 1 : 0;
                }

                Assert.True(committed, "the invocation never completed");
                foreach (var key in scripts.Keys)
                {
                    var times = counted.Count(c => c == key);
                    Assert.True(times <= 1, $"{key} counted {times} times");
                    Assert.True(times == 1 ^ deadLettered.Contains(key), $"{key} is {(times == 1 ? "counted and dead-lettered" : "lost")}");
                }
            }, iter: 1_000, print: t => $"{t.Item1} | {t.Item2} | triggerMax={t.Item3}");
}
