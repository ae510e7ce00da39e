using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;

namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// The standalone host's batch processing: decode, let the acknowledgement decide (<see cref="BatchAcknowledger"/>),
/// write dead letters and wait for their delivery reports, hand every sink the aggregates of the newly settled
/// range, and only then mark that range committable. A sink failure keeps the range uncommitted and is retried
/// after a backoff, without re-handling the records (an outage is not a message failure).
/// </summary>
internal sealed class TelemetryPipeline : IPartitionBatchProcessor
{
    private readonly KafkaOptions options;
    private readonly IngestionOptions ingestion;
    private readonly IReadOnlyList<IAggregateSink> sinks;
    private readonly IDeadLetterPublisher deadLetters;
    private readonly IRecordHandler handler;
    private readonly OwnTelemetry telemetry;
    private readonly ConsumerProgress progress;
    private readonly ILogger<TelemetryPipeline> logger;
    private readonly AckStrategy strategy;
    private readonly RetryPolicy policy;
    private readonly ConcurrentDictionary<(string Topic, int Partition), TelemetryPartitionProcessor> processors = new();

    public TelemetryPipeline(
        IOptions<KafkaOptions> options,
        IOptions<IngestionOptions> ingestion,
        IEnumerable<IAggregateSink> sinks,
        IDeadLetterPublisher deadLetters,
        IRecordHandler handler,
        OwnTelemetry telemetry,
        ConsumerProgress progress,
        ILogger<TelemetryPipeline> logger)
    {
        this.options = options.Value;
        this.ingestion = ingestion.Value;
        this.sinks = [.. sinks];
        this.deadLetters = deadLetters;
        this.handler = handler;
        this.telemetry = telemetry;
        this.progress = progress;
        this.logger = logger;
        this.strategy = PipelineSettings.Strategy(this.options);
        this.policy = PipelineSettings.RetryPolicy(this.options);
    }

    public async Task ProcessAsync(PartitionBatch batch, PartitionBatchContext context)
    {
        // One processor per partition: the partition's worker calls us sequentially, so its buffers are never shared.
        var processor = this.processors.GetOrAdd((batch.Topic, batch.Partition), key => new TelemetryPartitionProcessor(key.Topic, key.Partition, this.ingestion));
        var tags = new KafeeBatchTags(batch.Topic, batch.Partition, this.options.ConsumerGroup, this.strategy);
        var started = Stopwatch.GetTimestamp();
        this.telemetry.BatchStarted(tags);
        var activity = this.telemetry.BatchProcessStarted(tags, batch.Records.Count);
        this.telemetry.MessagesConsumed(batch.Topic, batch.Partition, PipelineHandler.EventType, batch.Records.Count);

        var ack = new BatchAcknowledger(batch.Records, this.strategy, this.policy);
        var deadLettered = new HashSet<long>();
        var settledThrough = batch.FirstOffset - 1;
        var round = 0;
        TelemetryBatch? decoded = null;
        IReadOnlyList<ConsumedRecord>? decodedRecords = null;
        int succeeded = 0, failed = 0;
        try
        {
            while (!ack.IsComplete)
            {
                var toHandle = ack.ToHandle;
                var outcomes = new MessageOutcome[toHandle.Count];
                if (toHandle.Count > 0)
                {
                    var handling = Stopwatch.GetTimestamp();
                    decoded = processor.Decode(toHandle);
                    decodedRecords = toHandle;
                    for (var i = 0; i < toHandle.Count; i++)
                    {
                        outcomes[i] = this.handler.Handle(toHandle[i], decoded[i], round);
                    }

                    this.telemetry.Handled(PipelineHandler.Name, PipelineHandler.EventType, outcomes, Stopwatch.GetElapsedTime(handling));
                }

                var decision = ack.Decide(outcomes);
                succeeded = decision.SucceededCount;
                failed += decision.FailedCount;
                this.telemetry.RetriesScheduled(tags, decision);
                this.progress.AddRetries(decision.Retries.Count);

                var deliveries = await DeadLetterDeliveries.WriteAsync(this.deadLetters, decision.DeadLetters, this.options.ConsumerGroup, context.Abandon).ConfigureAwait(false);
                var commit = ack.ConfirmDeadLetters(deliveries);
                this.telemetry.DeadLettersConfirmed(tags, decision.DeadLetters, deliveries);
                foreach (var delivery in deliveries)
                {
                    if (delivery.Delivered)
                    {
                        deadLettered.Add(delivery.Offset);
                        this.progress.AddDeadLettered(1);
                    }
                    else
                    {
                        this.progress.AddDeadLetterFailure();
                    }
                }

                if (commit.Advanced && commit.CommitOffset is { } next)
                {
                    var through = next - 1;
                    var range = InRange(ack.Records, settledThrough, through);
                    if (!ReferenceEquals(decodedRecords, range) && !SameRecords(decodedRecords, range))
                    {
                        // The settled range is not what this round decoded (an earlier round's successes): decode it again.
                        decoded = processor.Decode(range);
                        decodedRecords = range;
                    }

                    foreach (var offset in deadLettered)
                    {
                        decoded!.Exclude(offset);
                    }

                    await this.WriteSinksAsync(decoded!.Finalise(settledThrough, through), context).ConfigureAwait(false);
                    context.Finalise(through);
                    this.progress.AddProcessed(range.Count);
                    settledThrough = through;
                }

                if (!commit.IsComplete)
                {
                    round++;
                    await context.BackoffAsync(commit.RetryDelay).ConfigureAwait(false);
                }
            }

            this.progress.AddBatch();
            this.telemetry.BatchProcessEnded(tags, succeeded, failed, Stopwatch.GetElapsedTime(started), activity);
        }
        catch (OperationCanceledException)
        {
            this.telemetry.BatchProcessFailed(tags, "abandoned", Stopwatch.GetElapsedTime(started), activity);
            throw;
        }
        catch (Exception ex)
        {
            this.telemetry.BatchProcessFailed(tags, ex.GetType().Name, Stopwatch.GetElapsedTime(started), activity);
            throw;
        }
    }

    private async Task WriteSinksAsync(IPartitionBatchAggregates aggregates, PartitionBatchContext context)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                foreach (var sink in this.sinks)
                {
                    await sink.WriteAsync(aggregates, context.Abandon).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.Abandon.IsCancellationRequested)
            {
                // Nothing is committed past a range some sink could not take; the ledger ignores what an earlier try already wrote.
                var delay = this.policy.Backoff(Math.Min(attempt, 30), aggregates.Partition, aggregates.ThroughOffset);
                this.logger.LogWarning(ex, "A sink could not take {Topic} [{Partition}] offsets {AfterOffset}..{ThroughOffset} (attempt {Attempt}); retrying in {DelayMs} ms without committing", aggregates.Topic, aggregates.Partition, aggregates.AfterOffset + 1, aggregates.ThroughOffset, attempt, (int)delay.TotalMilliseconds);
                await context.BackoffAsync(delay).ConfigureAwait(false);
            }
        }
    }

    private static IReadOnlyList<ConsumedRecord> InRange(IReadOnlyList<ConsumedRecord> records, long after, long through)
    {
        var list = new List<ConsumedRecord>();
        foreach (var r in records)
        {
            if (r.Offset > after && r.Offset <= through)
            {
                list.Add(r);
            }
        }

        return list.Count == records.Count ? records : list;
    }

    private static bool SameRecords(IReadOnlyList<ConsumedRecord>? a, IReadOnlyList<ConsumedRecord> b)
    {
        if (a is null || a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Offset != b[i].Offset)
            {
                return false;
            }
        }

        return true;
    }
}
