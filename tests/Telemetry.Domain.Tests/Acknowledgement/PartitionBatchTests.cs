using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

public sealed class PartitionBatchTests
{
    [Fact]
    public void A_mixed_batch_splits_into_partitions_in_offset_order_keeping_each_item_with_its_record() =>
        Gen.Select(Gen.Int[0, 3], Gen.Long[0, 50]).Array[0, 30]
            .Select(pairs => pairs.DistinctBy(p => p).ToArray())
            .Sample(pairs =>
            {
                var records = pairs.Select(p => Records.At(p.Item2, p.Item1)).ToList();
                var items = pairs.Select(p => $"{p.Item1}:{p.Item2}").ToList();

                var slices = PartitionBatch.Split(records, items);

                Assert.Equal(records.Count, slices.Sum(s => s.Records.Count));
                Assert.Equal(slices.Select(s => s.Partition).Distinct().Count(), slices.Count);
                Assert.All(slices, s =>
                {
                    Assert.All(s.Records, r => Assert.Equal(s.Partition, r.Partition));
                    Assert.Equal(s.Records.Select(r => r.Offset).Order(), s.Records.Select(r => r.Offset));
                    Assert.Equal(s.Records.Select(r => $"{r.Partition}:{r.Offset}"), s.Items);
                });
            }, iter: 500);

    [Fact]
    public void An_invocation_is_redelivered_when_any_partition_must_be()
    {
        var policy = new RetryPolicy { MaxRetries = 2 };
        var complete = TriggeredBatchPlan.Decide(AckStrategy.BestEffort, policy, [Records.At(1, 0)], [MessageOutcome.Succeeded], new TriggerAttempt(0, 2));
        var redeliver = TriggeredBatchPlan.Decide(AckStrategy.BestEffort, policy, [Records.At(1, 1)], [MessageOutcome.Failed("TimeoutException")], new TriggerAttempt(0, 2));

        Assert.Equal(TriggeredBatchAction.Complete, TriggeredBatchPlan.Overall([complete, complete]));
        Assert.Equal(TriggeredBatchAction.Redeliver, TriggeredBatchPlan.Overall([complete, redeliver]));
        Assert.Equal(TriggeredBatchAction.Complete, TriggeredBatchPlan.Overall([]));
    }
}
