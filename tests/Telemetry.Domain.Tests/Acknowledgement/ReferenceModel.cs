using Telemetry.Domain.Acknowledgement;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>
/// What Kafee's strategies must produce, computed per message in closed form rather than by running rounds:
/// a message's fate depends only on its own script and max_retries; the strategy only decides in which
/// round that fate is settled and therefore what may be committed after each round.
/// </summary>
internal static class ReferenceModel
{
    public sealed record Fate(bool DeadLettered, DeadLetterReason Reason, int RetryCount, int Retries, int SettledRound, int FinalRound);

    public static IReadOnlyList<Fate> Fates(AcknowledgementScenario scenario)
    {
        var max = scenario.Policy.MaxRetries;
        var fates = new List<Fate>();
        var retriesBefore = 0;
        foreach (var script in scenario.Scripts)
        {
            var failuresBeforeEnding = script.Ending == Ending.NeverRecovers ? int.MaxValue : script.FailuresFirst;
            var (deadLettered, reason, retryCount, retries) =
                failuresBeforeEnding > max ? (true, DeadLetterReason.MaxRetriesExceeded, max, max)
                : script.Ending == Ending.Malformed ? (true, DeadLetterReason.Malformed, failuresBeforeEnding, failuresBeforeEnding)
                : (false, DeadLetterReason.MaxRetriesExceeded, 0, failuresBeforeEnding);

            // Round 1 is the first delivery. Retries run in parallel rounds, except under last_successful, where a
            // message is only attempted for real once everything before it is settled.
            retriesBefore += retries;
            var settled = scenario.Strategy == AckStrategy.LastSuccessful ? 1 + retriesBefore : 1 + retries;
            var final = settled + (deadLettered ? script.DeadLetterWriteFailures : 0);
            fates.Add(new Fate(deadLettered, reason, retryCount, retries, settled, final));
        }

        return fates;
    }

    public static int Rounds(IReadOnlyList<Fate> fates) => fates.Count == 0 ? 0 : fates.Max(f => f.FinalRound);

    /// <summary>The commit offset once <paramref name="round"/> rounds are over.</summary>
    public static long? CommitAfter(AcknowledgementScenario scenario, IReadOnlyList<Fate> fates, int round)
    {
        var records = scenario.Records;
        if (scenario.Strategy == AckStrategy.AllOrNothing)
        {
            return round >= Rounds(fates) && records.Count > 0 ? records[^1].Offset + 1 : null;
        }

        var prefix = fates.TakeWhile(f => f.FinalRound <= round).Count();
        return prefix == 0 ? null : records[prefix - 1].Offset + 1;
    }
}
