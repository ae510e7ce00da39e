using Telemetry.Domain.Acknowledgement;
using Telemetry.Kafka.DeadLetters;

namespace Telemetry.Kafka.Pipeline;

/// <summary>Writes a round's dead letters in order and reports them as the acknowledgement expects.</summary>
internal static class DeadLetterDeliveries
{
    public static async Task<IReadOnlyList<DeadLetterDelivery>> WriteAsync(
        IDeadLetterPublisher publisher, IReadOnlyList<DeadLetter> deadLetters, string consumerGroup, CancellationToken cancellationToken)
    {
        if (deadLetters.Count == 0)
        {
            return [];
        }

        var result = await publisher.PublishAsync(deadLetters, consumerGroup, cancellationToken).ConfigureAwait(false);
        var deliveries = new DeadLetterDelivery[deadLetters.Count];
        for (var i = 0; i < deadLetters.Count; i++)
        {
            var offset = deadLetters[i].Record.Offset;
            deliveries[i] = i < result.Confirmed
                ? DeadLetterDelivery.Success(offset)
                : DeadLetterDelivery.Failure(offset, result.Failure?.ErrorCode.ToString() ?? "not_written");
        }

        return deliveries;
    }
}
