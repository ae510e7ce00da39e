using CsCheck;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>How a message behaves: it fails its first <see cref="FailuresFirst"/> attempts, then ends as <see cref="Ending"/>.</summary>
internal enum Ending
{
    Succeeds,
    Malformed,
    NeverRecovers,
}

/// <summary>One message's behaviour under the handler, and how many writes of its dead letter fail before one is delivered.</summary>
internal sealed record MessageScript(int FailuresFirst, Ending Ending, int DeadLetterWriteFailures)
{
    public MessageOutcome OutcomeAfter(int countedFailures) =>
        Ending == Ending.NeverRecovers || countedFailures < FailuresFirst
            ? MessageOutcome.Failed("TimeoutException", $"attempt after {countedFailures} failures")
            : Ending == Ending.Succeeds ? MessageOutcome.Succeeded : MessageOutcome.Malformed("not_json", "value is not JSON");
}

/// <summary>A random partition batch and the behaviour of each of its messages.</summary>
internal sealed record AcknowledgementScenario(AckStrategy Strategy, RetryPolicy Policy, IReadOnlyList<ConsumedRecord> Records, IReadOnlyList<MessageScript> Scripts)
{
    private static readonly Gen<MessageScript> ScriptGen = Gen.Select(
        Gen.Int[0, 4],
        Gen.Frequency((6, Gen.Const(Ending.Succeeds)), (2, Gen.Const(Ending.Malformed)), (1, Gen.Const(Ending.NeverRecovers))),
        Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3])),
        (failures, ending, dlqFailures) => new MessageScript(failures, ending, dlqFailures));

    public static Gen<AcknowledgementScenario> Any { get; } =
        Gen.Select(
            Gen.Enum<AckStrategy>(),
            Gen.Int[0, 3],
            Gen.ULong,
            Gen.Long[0, 1_000_000],
            Gen.Int[1, 3].Array[1, 4],
            ScriptGen.Array[0, 10],
            (strategy, maxRetries, seed, firstOffset, gaps, scripts) => new AcknowledgementScenario(
                strategy,
                new RetryPolicy { MaxRetries = maxRetries, JitterSeed = seed },
                Tests.Acknowledgement.Records.WithGaps(firstOffset, gaps, scripts.Length),
                scripts));

    public override string ToString() =>
        $"{Strategy} max={Policy.MaxRetries} offsets=[{string.Join(",", Records.Select(r => r.Offset))}] scripts=[{string.Join(", ", Scripts.Select(s => $"{s.FailuresFirst}/{s.Ending}/{s.DeadLetterWriteFailures}"))}]";
}
