using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.DeadLetters;
using Telemetry.Kafka.Pipeline;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// The Functions host's batch processor, for a delivery handed over by the Azure Functions Kafka trigger, under its
/// commit model: the extension commits the whole delivery when this returns, and re-runs the same delivery when this
/// throws (<c>commitOnFailure: false</c>). No seek, no prefix commit: the delivery is split into partition batches, and
/// per partition the <see cref="TriggeredBatchPlan"/> decides whether to complete (dead letters written and confirmed,
/// the batch counted) or to redeliver (throw <see cref="TriggeredBatchRedeliveryException"/>, counting at most the
/// settled prefix); settling and writing is <see cref="BatchSettlement"/>'s, as under the standalone host. The
/// ledger's per-row watermarks make the counted prefix harmless when the batch comes back.
/// </summary>
/// <remarks>
/// Records at or below the partition's finalised offset (<see cref="IFinalisedOffsets"/>) are skipped, and the
/// offset is raised once a batch's dead letters and ledger rows are written. Two executions of the same records
/// happen when an instance's consumer left the group in the middle of a retry (the extension's poll thread waits
/// while a batch is retried in place; see docs/functions-local.md, host.json) and the partition's new owner runs
/// the batch too: whichever finishes second would otherwise write the batch's dead letters a second time. The
/// ledger would not count twice either way.
/// </remarks>
public sealed class FunctionsBatchProcessor
{
    private readonly BatchHandling _handling;
    private readonly IFinalisedOffsets _finalisedOffsets;
    private readonly OwnTelemetry _telemetry;
    private readonly ILogger<FunctionsBatchProcessor> _logger;

    public FunctionsBatchProcessor(
        IOptions<KafkaOptions> options,
        IOptions<IngestionOptions> ingestion,
        IEnumerable<IAggregateSink> sinks,
        IDeadLetterPublisher deadLetters,
        IRecordHandler handler,
        IFinalisedOffsets finalisedOffsets,
        OwnTelemetry telemetry,
        ILogger<FunctionsBatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ingestion);
        _handling = new BatchHandling(options.Value, ingestion.Value, sinks, deadLetters, handler, telemetry);
        _finalisedOffsets = finalisedOffsets;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>
    /// Processes one trigger invocation. <paramref name="attempt"/> is <c>FunctionContext.RetryContext.RetryCount</c>
    /// (0 on the first execution); the attempt is final once it reaches <c>Kafka:MaxRetries</c>. Throws
    /// <see cref="TriggeredBatchRedeliveryException"/> when the batch must run again; a sink failure propagates as is
    /// (nothing of that partition's range counts as done, and the extension re-runs the batch).
    /// </summary>
    public async Task ProcessAsync(IReadOnlyList<ConsumedRecord> records, int attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var plans = new List<TriggeredBatchPlan>();
        var batches = PartitionBatch.Split(records, records);
        var finalised = await _finalisedOffsets.ReadAsync([.. batches.Select(batch => (batch.Topic, batch.Partition))], ct).ConfigureAwait(false);
        foreach (var batch in batches)
        {
            long? finalisedThrough = finalised.TryGetValue((batch.Topic, batch.Partition), out var through) ? through : null;
            plans.Add(await ProcessPartitionAsync(batch, attempt, finalisedThrough, ct).ConfigureAwait(false));
        }

        if (TriggeredBatchPlan.Overall(plans) == TriggeredBatchAction.Redeliver)
        {
            var retries = plans.Sum(p => p.Retries.Count);
            var failedDeadLetters = plans.Sum(p => p.FailedDeadLetters.Count);
            throw new TriggeredBatchRedeliveryException(attempt, retries, failedDeadLetters);
        }
    }

    private async Task<TriggeredBatchPlan> ProcessPartitionAsync(PartitionBatch batch, int attempt, long? finalisedThrough, CancellationToken ct)
    {
        var (topic, partition, records) = (batch.Topic, batch.Partition, batch.Records);
        var started = Stopwatch.GetTimestamp();
        var tags = _handling.Begin(batch, out var activity);

        // A fresh decoder per invocation: executions of different partitions may run at once, and nothing of a
        // batch must outlive the invocation that the extension may re-run.
        var decoder = _handling.NewDecoder(topic, partition);
        var settlement = _handling.Settle(tags);
        var outcomes = _handling.Handle(decoder, records, attempt, out var decoded);

        if (finalisedThrough >= records[0].Offset)
        {
            _logger.AlreadyFinalised(topic, partition, records[0].Offset, records[^1].Offset, finalisedThrough.Value);
        }

        var plan = TriggeredBatchPlan.Decide(_handling.Strategy, _handling.Policy, records, outcomes, new TriggerAttempt(attempt, -1), finalisedThrough);
        if (plan.Retries.Count > 0)
        {
            _telemetry.MessageRetried(tags, plan.Retries.Count);
        }

        var written = plan.DeadLetters;
        if (written.Count > 0)
        {
            plan = plan.ConfirmDeadLetters(await settlement.WriteDeadLettersAsync(written, ct).ConfigureAwait(false));
        }

        if (plan.CountThroughOffset is { } through)
        {
            // Only delivered dead letters are left out, which is all of them up to the counted offset: the plan counts
            // nothing from the first undelivered one on.
            var aggregates = settlement.Finalise(decoded, Math.Max(records[0].Offset - 1, finalisedThrough ?? long.MinValue), through);
            try
            {
                await settlement.WriteSinksAsync(aggregates, ct).ConfigureAwait(false);
                await _finalisedOffsets.RaiseAsync(topic, partition, through, ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _telemetry.BatchProcessFailed(tags, ex.GetType().Name, Stopwatch.GetElapsedTime(started), activity);
                throw;
            }
        }

        if (plan.Action == TriggeredBatchAction.Redeliver)
        {
            _logger.Redelivering(topic, partition, records[0].Offset, records[^1].Offset, attempt, plan.Retries.Count, plan.FailedDeadLetters.Count);
            _telemetry.BatchProcessFailed(tags, "redeliver", Stopwatch.GetElapsedTime(started), activity);
        }
        else
        {
            _telemetry.BatchProcessEnded(tags, records.Count - written.Count, written.Count, Stopwatch.GetElapsedTime(started), activity);
        }

        return plan;
    }
}
