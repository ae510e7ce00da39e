using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.DeadLetters;

namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// How a partition batch is settled and written, the same under both hosts once their acknowledgement has decided:
/// write the dead letters in order and take their delivery reports, then, for each offset range the acknowledgement
/// settles, leave out the dead-lettered records, finalise the range's aggregates and hand them to every sink (the
/// ledger, the Azure Monitor export). What stays with each host is its commit model: how a settled range is marked
/// done (a commit offset for the standalone host's consumer, the finalised-offsets watermark under the Functions
/// trigger) and what a sink failure means (retry in place, or let the trigger run the batch again).
/// </summary>
/// <remarks>One instance per partition batch: it remembers which of the batch's records went to the dead-letter topic.</remarks>
internal sealed class BatchSettlement
{
    private readonly IReadOnlyList<IAggregateSink> _sinks;
    private readonly IDeadLetterPublisher _publisher;
    private readonly OwnTelemetry _telemetry;
    private readonly KafeeBatchTags _tags;
    private readonly HashSet<long> _deadLettered = [];

    public BatchSettlement(IReadOnlyList<IAggregateSink> sinks, IDeadLetterPublisher publisher, OwnTelemetry telemetry, in KafeeBatchTags tags)
    {
        _sinks = sinks;
        _publisher = publisher;
        _telemetry = telemetry;
        _tags = tags;
    }

    /// <summary>
    /// Writes <paramref name="deadLetters"/> in order and returns one delivery report each, for the acknowledgement to
    /// confirm; the delivered ones are left out of every range finalised from here on.
    /// </summary>
    public async Task<IReadOnlyList<DeadLetterDelivery>> WriteDeadLettersAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        var deliveries = await DeadLetterDeliveries.WriteAsync(_publisher, deadLetters, _tags.ConsumerGroup, cancellationToken).ConfigureAwait(false);
        _telemetry.DeadLettersConfirmed(_tags, deadLetters, deliveries);
        foreach (var delivery in deliveries)
        {
            if (delivery.Delivered)
            {
                _deadLettered.Add(delivery.Offset);
            }
        }

        return deliveries;
    }

    /// <summary>
    /// The aggregates of the settled range (<paramref name="afterOffset"/>, <paramref name="throughOffset"/>] of
    /// <paramref name="decoded"/>, without the records that were dead-lettered (malformed ones never count).
    /// </summary>
    public IPartitionBatchAggregates Finalise(TelemetryBatch decoded, long afterOffset, long throughOffset)
    {
        foreach (var offset in _deadLettered)
        {
            decoded.Exclude(offset);
        }

        return decoded.Finalise(afterOffset, throughOffset);
    }

    /// <summary>Hands <paramref name="aggregates"/> to every sink in turn; the first that throws stops the rest, and the range must not be marked done.</summary>
    public async Task WriteSinksAsync(IPartitionBatchAggregates aggregates, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.WriteAsync(aggregates, cancellationToken).ConfigureAwait(false);
        }
    }
}
