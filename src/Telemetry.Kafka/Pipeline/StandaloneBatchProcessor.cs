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
/// The standalone host's batch processor, under its consumer's commit model (prefix commits, retries in place):
/// decode, let the acknowledgement decide (<see cref="BatchAcknowledger"/>), then settle and write the newly settled
/// range (<see cref="BatchSettlement"/>: dead letters with their delivery reports, every sink handed the range's
/// aggregates), and only then mark that range committable. A sink failure keeps the range uncommitted and is retried
/// after a backoff, without re-handling the records (an outage is not a message failure).
/// </summary>
internal sealed class StandaloneBatchProcessor : IStandaloneBatchProcessor
{
    private readonly BatchHandling _handling;
    private readonly OwnTelemetry _telemetry;
    private readonly ConsumerProgress _progress;
    private readonly ILogger<StandaloneBatchProcessor> _logger;
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionDecoder> _decoders = new();

    public StandaloneBatchProcessor(
        IOptions<KafkaOptions> options,
        IOptions<IngestionOptions> ingestion,
        IEnumerable<IAggregateSink> sinks,
        IDeadLetterPublisher deadLetters,
        IRecordHandler handler,
        OwnTelemetry telemetry,
        ConsumerProgress progress,
        ILogger<StandaloneBatchProcessor> logger)
    {
        _handling = new BatchHandling(options.Value, ingestion.Value, sinks, deadLetters, handler, telemetry);
        _telemetry = telemetry;
        _progress = progress;
        _logger = logger;
    }

    /// <summary>Partitions whose decoding state is held (one decoder each).</summary>
    internal int DecoderCount => _decoders.Count;

    /// <summary>
    /// Forgets the partition's decoder (interned values, series, cap admissions). Nothing is lost: what it finalised
    /// is in the sinks, the rest is redelivered and decoded afresh, exactly as after a restart, and the ledger's
    /// watermarks absorb whatever is counted again.
    /// </summary>
    public void PartitionStopped(string topic, int partition) => _decoders.TryRemove((topic, partition), out _);

    public async Task ProcessAsync(PartitionBatch batch, StandaloneBatchContext context)
    {
        // One decoder per partition: the partition's worker calls us sequentially, so its buffers are never shared.
        var decoder = _decoders.GetOrAdd((batch.Topic, batch.Partition), static (key, handling) => handling.NewDecoder(key.Topic, key.Partition), _handling);
        var started = Stopwatch.GetTimestamp();
        var tags = _handling.Begin(batch, out var activity);

        var ack = new BatchAcknowledger(batch.Records, _handling.Strategy, _handling.Policy);
        var settlement = _handling.Settle(tags);
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
                MessageOutcome[] outcomes = [];
                if (toHandle.Count > 0)
                {
                    outcomes = _handling.Handle(decoder, toHandle, round, out decoded);
                    decodedRecords = toHandle;
                }

                var decision = ack.Decide(outcomes);
                succeeded = decision.SucceededCount;
                failed += decision.FailedCount;
                _telemetry.RetriesScheduled(tags, decision);
                _progress.AddRetries(decision.Retries.Count);

                var deliveries = await settlement.WriteDeadLettersAsync(decision.DeadLetters, context.Abandon).ConfigureAwait(false);
                var commit = ack.ConfirmDeadLetters(deliveries);
                foreach (var delivery in deliveries)
                {
                    if (delivery.Delivered)
                    {
                        _progress.AddDeadLettered(1);
                    }
                    else
                    {
                        _progress.AddDeadLetterFailure();
                    }
                }

                if (commit.Advanced && commit.CommitOffset is { } next)
                {
                    var through = next - 1;
                    var range = InRange(ack.Records, settledThrough, through);
                    if (!ReferenceEquals(decodedRecords, range) && !SameRecords(decodedRecords, range))
                    {
                        // The settled range is not what this round decoded (an earlier round's successes): decode it again.
                        decoded = decoder.Decode(range);
                        decodedRecords = range;
                    }

                    await WriteSinksRetryingAsync(settlement, settlement.Finalise(decoded!, settledThrough, through), context).ConfigureAwait(false);
                    context.Finalise(through);
                    _progress.AddProcessed(range.Count);
                    settledThrough = through;
                }

                if (!commit.IsComplete)
                {
                    round++;
                    await context.BackoffAsync(commit.RetryDelay).ConfigureAwait(false);
                }
            }

            _progress.AddBatch();
            _telemetry.BatchProcessEnded(tags, succeeded, failed, Stopwatch.GetElapsedTime(started), activity);
        }
        catch (OperationCanceledException)
        {
            _telemetry.BatchProcessFailed(tags, "abandoned", Stopwatch.GetElapsedTime(started), activity);
            throw;
        }
        catch (Exception ex)
        {
            _telemetry.BatchProcessFailed(tags, ex.GetType().Name, Stopwatch.GetElapsedTime(started), activity);
            throw;
        }
    }

    private async Task WriteSinksRetryingAsync(BatchSettlement settlement, IPartitionBatchAggregates aggregates, StandaloneBatchContext context)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await settlement.WriteSinksAsync(aggregates, context.Abandon).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.Abandon.IsCancellationRequested)
            {
                // Nothing is committed past a range some sink could not take; the ledger ignores what an earlier try already wrote.
                var delay = _handling.Policy.Backoff(Math.Min(attempt, 30), aggregates.Partition, aggregates.ThroughOffset);
                _logger.SinkRetrying(ex, aggregates.Topic, aggregates.Partition, aggregates.AfterOffset + 1, aggregates.ThroughOffset, attempt, (int)delay.TotalMilliseconds);
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
