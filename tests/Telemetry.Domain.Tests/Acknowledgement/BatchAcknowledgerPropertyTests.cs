using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;
using Xunit;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>
/// Drives <see cref="BatchAcknowledger"/> the way a host does, over random failure patterns, and compares every
/// round with <see cref="ReferenceModel"/>.
/// </summary>
public sealed class BatchAcknowledgerPropertyTests
{
    private const int Iterations = 3_000;

    [Fact]
    public void Every_strategy_settles_each_message_as_the_reference_model_says() =>
        AcknowledgementScenario.Any.Sample(scenario =>
        {
            var fates = ReferenceModel.Fates(scenario);
            var run = Run(scenario, deadLetterNeverDelivered: null, maxRounds: 1_000);

            Assert.True(run.Complete, "the batch never completed");
            Assert.Equal(ReferenceModel.Rounds(fates), run.Commits.Count);
            for (var round = 1; round <= run.Commits.Count; round++)
            {
                Assert.Equal(ReferenceModel.CommitAfter(scenario, fates, round), run.Commits[round - 1]);
            }

            for (var i = 0; i < fates.Count; i++)
            {
                var fate = fates[i];
                Assert.Equal(fate.Retries, run.RetryNumbers[i].Count);
                Assert.Equal(Enumerable.Range(1, fate.Retries), run.RetryNumbers[i]);
                if (fate.DeadLettered)
                {
                    var delivered = Assert.Single(run.Delivered, d => d.Record.Offset == scenario.Records[i].Offset);
                    Assert.Equal((fate.Reason, fate.RetryCount), (delivered.Reason, delivered.RetryCount));
                }
                else
                {
                    Assert.DoesNotContain(run.Delivered, d => d.Record.Offset == scenario.Records[i].Offset);
                }
            }

            Assert.Equal(fates.Zip(scenario.Scripts).Where(p => p.First.DeadLettered).Sum(p => p.Second.DeadLetterWriteFailures), run.FailedWrites);
        }, iter: Iterations, print: s => s.ToString());

    [Fact]
    public void A_dead_letter_that_is_never_delivered_is_never_committed_past() =>
        AcknowledgementScenario.Any
            .Where(s => ReferenceModel.Fates(s).Any(f => f.DeadLettered))
            .Sample(scenario =>
            {
                var fates = ReferenceModel.Fates(scenario);
                var stuck = fates.ToList().FindIndex(f => f.DeadLettered);
                var stuckOffset = scenario.Records[stuck].Offset;
                var run = Run(scenario, deadLetterNeverDelivered: stuckOffset, maxRounds: ReferenceModel.Rounds(fates) + 20);

                Assert.False(run.Complete);
                Assert.All(run.Commits, c => Assert.True(c is null || c <= stuckOffset, $"commit {c} passed the undelivered dead letter at {stuckOffset}"));
                if (scenario.Strategy == AckStrategy.AllOrNothing)
                {
                    Assert.All(run.Commits, c => Assert.Null(c));
                }
            }, iter: Iterations / 3, print: s => s.ToString());

    private sealed record RunResult(bool Complete, List<long?> Commits, List<int>[] RetryNumbers, List<DeadLetter> Delivered, int FailedWrites);

    /// <summary>The host loop: handle → decide → write dead letters → confirm → commit, with structural checks each round.</summary>
    private static RunResult Run(AcknowledgementScenario scenario, long? deadLetterNeverDelivered, int maxRounds)
    {
        var records = scenario.Records;
        var index = records.Select((r, i) => (r.Offset, i)).ToDictionary(p => p.Offset, p => p.i);
        var ack = new BatchAcknowledger(records, scenario.Strategy, scenario.Policy);
        var countedFailures = new int[records.Count];
        var writes = new int[records.Count];
        var retryNumbers = records.Select(_ => new List<int>()).ToArray();
        var decided = new Dictionary<long, DeadLetter>();
        var delivered = new List<DeadLetter>();
        var commits = new List<long?>();
        var failedWrites = 0;
        long? lastCommit = null;
        var previousRetries = new List<long>();

        while (!ack.IsComplete && commits.Count < maxRounds)
        {
            var toHandle = ack.ToHandle.Select(r => r.Offset).ToList();
            CheckWhatIsHandled(scenario, commits.Count == 0, toHandle, previousRetries, decided);

            var decision = ack.Decide([.. toHandle.Select(o => scenario.Scripts[index[o]].OutcomeAfter(countedFailures[index[o]]))]);
            foreach (var retry in decision.Retries)
            {
                var i = index[retry.Record.Offset];
                countedFailures[i]++;
                Assert.Equal(countedFailures[i], retry.RetryNumber);
                Assert.Equal(scenario.Policy.Backoff(retry.RetryNumber, retry.Record.Partition, retry.Record.Offset), retry.Backoff);
                retryNumbers[i].Add(retry.RetryNumber);
            }

            previousRetries = [.. decision.Retries.Select(r => r.Record.Offset)];
            var deliveries = new List<DeadLetterDelivery>();
            foreach (var deadLetter in decision.DeadLetters)
            {
                var offset = deadLetter.Record.Offset;
                if (decided.TryGetValue(offset, out var earlier))
                {
                    Assert.Equal(earlier, deadLetter);
                }
                else
                {
                    decided[offset] = deadLetter;
                    if (deadLetter.Reason == DeadLetterReason.MaxRetriesExceeded)
                    {
                        countedFailures[index[offset]]++;
                    }
                }

                var i = index[offset];
                writes[i]++;
                var ok = offset != deadLetterNeverDelivered && writes[i] > scenario.Scripts[i].DeadLetterWriteFailures;
                if (ok)
                {
                    delivered.Add(deadLetter);
                }
                else
                {
                    failedWrites++;
                }

                deliveries.Add(new DeadLetterDelivery(offset, ok, ok ? null : "BrokerNotAvailable"));
            }

            var commit = ack.ConfirmDeadLetters(deliveries);
            Assert.Equal(deliveries.Count(d => !d.Delivered), commit.FailedDeadLetters.Count);
            Assert.Equal(commit.CommitOffset != lastCommit, commit.Advanced);
            Assert.True(lastCommit is null || commit.CommitOffset >= lastCommit, "the commit went backwards");
            lastCommit = commit.CommitOffset;
            commits.Add(commit.CommitOffset);
            Assert.Equal(commit.IsComplete, ack.IsComplete);
        }

        return new RunResult(ack.IsComplete, commits, retryNumbers, delivered, failedWrites);
    }

    /// <summary>Which records a strategy hands back for handling: the whole batch, only the retried ones, or everything from the first failure on.</summary>
    private static void CheckWhatIsHandled(AcknowledgementScenario scenario, bool firstRound, List<long> toHandle, List<long> previousRetries, Dictionary<long, DeadLetter> decided)
    {
        var all = scenario.Records.Select(r => r.Offset).ToList();
        if (firstRound)
        {
            Assert.Equal(all, toHandle);
            return;
        }

        switch (scenario.Strategy)
        {
            case AckStrategy.AllOrNothing:
                Assert.Equal(previousRetries.Count == 0 ? [] : all.Where(o => !decided.ContainsKey(o)).ToList(), toHandle);
                break;
            case AckStrategy.BestEffort:
                Assert.Equal(previousRetries, toHandle);
                break;
            case AckStrategy.LastSuccessful:
                var expected = previousRetries.Count == 0 ? [] : all.SkipWhile(o => o != previousRetries[0]).ToList();
                Assert.True(previousRetries.Count <= 1, "last_successful retries one message at a time");
                Assert.Equal(expected, toHandle);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario));
        }
    }
}
