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
/// The pipeline for a batch handed over by the Azure Functions Kafka trigger, under its commit model: the extension
/// commits the whole batch when this returns, and re-runs the same batch when this throws (<c>commitOnFailure:
/// false</c>). No seek, no prefix commit: per partition the <see cref="TriggeredBatchPlan"/> decides whether to
/// complete (dead letters written and confirmed, the batch counted) or to redeliver (throw
/// <see cref="TriggeredBatchRedeliveryException"/>, counting at most the settled prefix). The ledger's per-row
/// watermarks make the counted prefix harmless when the batch comes back.
/// </summary>
public sealed class TriggeredBatchProcessor
{
    private readonly KafkaOptions options;
    private readonly IngestionOptions ingestion;
    private readonly IReadOnlyList<IAggregateSink> sinks;
    private readonly IDeadLetterPublisher deadLetters;
    private readonly IRecordHandler handler;
    private readonly OwnTelemetry telemetry;
    private readonly ILogger<TriggeredBatchProcessor> logger;
    private readonly AckStrategy strategy;
    private readonly RetryPolicy policy;

    public TriggeredBatchProcessor(
        IOptions<KafkaOptions> options,
        IOptions<IngestionOptions> ingestion,
        IEnumerable<IAggregateSink> sinks,
        IDeadLetterPublisher deadLetters,
        IRecordHandler handler,
        OwnTelemetry telemetry,
        ILogger<TriggeredBatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ingestion);
        this.options = options.Value;
        this.ingestion = ingestion.Value;
        this.sinks = [.. sinks];
        this.deadLetters = deadLetters;
        this.handler = handler;
        this.telemetry = telemetry;
        this.logger = logger;
        this.strategy = PipelineSettings.Strategy(this.options);
        this.policy = PipelineSettings.RetryPolicy(this.options);
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
        foreach (var slice in PartitionBatches.Split(records, records))
        {
            plans.Add(await this.ProcessPartitionAsync(slice.Topic, slice.Partition, slice.Records, attempt, ct).ConfigureAwait(false));
        }

        if (TriggeredBatchPlan.Overall(plans) == TriggeredBatchAction.Redeliver)
        {
            var retries = plans.Sum(p => p.Retries.Count);
            var failedDeadLetters = plans.Sum(p => p.FailedDeadLetters.Count);
            throw new TriggeredBatchRedeliveryException(attempt, retries, failedDeadLetters);
        }
    }

    private async Task<TriggeredBatchPlan> ProcessPartitionAsync(string topic, int partition, IReadOnlyList<ConsumedRecord> records, int attempt, CancellationToken ct)
    {
        var tags = new KafeeBatchTags(topic, partition, this.options.ConsumerGroup, this.strategy);
        var started = Stopwatch.GetTimestamp();
        // The extension hands over a batch it has already gathered, so it starts and begins processing at once.
        this.telemetry.BatchStarted(tags);
        var activity = this.telemetry.BatchProcessStarted(tags, records.Count);
        this.telemetry.MessagesConsumed(topic, partition, PipelineHandler.EventType, records.Count);

        // A fresh processor per invocation: executions of different partitions may run at once, and nothing of a
        // batch must outlive the invocation that the extension may re-run.
        var processor = new TelemetryPartitionProcessor(topic, partition, this.ingestion);
        var handling = Stopwatch.GetTimestamp();
        var decoded = processor.Decode(records);
        var outcomes = new MessageOutcome[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            outcomes[i] = this.handler.Handle(records[i], decoded[i], attempt);
        }

        this.telemetry.Handled(PipelineHandler.Name, PipelineHandler.EventType, outcomes, Stopwatch.GetElapsedTime(handling));

        var plan = TriggeredBatchPlan.Decide(this.strategy, this.policy, records, outcomes, new TriggerAttempt(attempt, -1));
        if (plan.Retries.Count > 0)
        {
            this.telemetry.MessageRetried(tags, plan.Retries.Count);
        }

        var written = plan.DeadLetters;
        if (written.Count > 0)
        {
            var deliveries = await DeadLetterDeliveries.WriteAsync(this.deadLetters, written, this.options.ConsumerGroup, ct).ConfigureAwait(false);
            plan = plan.ConfirmDeadLetters(deliveries);
            this.telemetry.DeadLettersConfirmed(tags, written, deliveries);
        }

        if (plan.CountThroughOffset is { } through)
        {
            foreach (var deadLetter in written)
            {
                decoded.Exclude(deadLetter.Record.Offset);
            }

            var aggregates = decoded.Finalise(records[0].Offset - 1, through);
            try
            {
                foreach (var sink in this.sinks)
                {
                    await sink.WriteAsync(aggregates, ct).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                this.telemetry.BatchProcessFailed(tags, ex.GetType().Name, Stopwatch.GetElapsedTime(started), activity);
                throw;
            }
        }

        if (plan.Action == TriggeredBatchAction.Redeliver)
        {
            this.logger.LogWarning("Trigger batch of {Topic} [{Partition}] offsets {FirstOffset}..{LastOffset} will be redelivered (attempt {Attempt}, {Retries} retries, {FailedDeadLetters} dead letters not written)", topic, partition, records[0].Offset, records[^1].Offset, attempt, plan.Retries.Count, plan.FailedDeadLetters.Count);
            this.telemetry.BatchProcessFailed(tags, "redeliver", Stopwatch.GetElapsedTime(started), activity);
        }
        else
        {
            this.telemetry.BatchProcessEnded(tags, records.Count - written.Count, written.Count, Stopwatch.GetElapsedTime(started), activity);
        }

        return plan;
    }
}
