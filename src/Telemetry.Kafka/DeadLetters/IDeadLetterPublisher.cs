using Telemetry.Domain.Acknowledgement;

namespace Telemetry.Kafka.DeadLetters;

/// <summary>Writes dead letters and returns only once the broker confirmed them (the commit waits for this).</summary>
public interface IDeadLetterPublisher
{
    /// <summary>
    /// Writes the dead letters in order. Returns how many, from the start of the list, are confirmed; when fewer than
    /// all, <see cref="DeadLetterResult.Failure"/> says why the first unconfirmed one failed.
    /// </summary>
    Task<DeadLetterResult> PublishAsync(IReadOnlyList<DeadLetter> deadLetters, string consumerGroup, CancellationToken cancellationToken);
}
