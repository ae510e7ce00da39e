using System.Diagnostics;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Diagnostics;
using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.DeadLetters;

namespace Telemetry.Kafka.Pipeline;

/// <summary>
/// How a partition batch is handled, the same under both hosts before their acknowledgement decides: the batch is
/// counted as started and consumed, its records are decoded by the partition's <see cref="PartitionDecoder"/> and
/// each is given to the record handler through <see cref="GuardedRecordHandler"/>, and the outcomes are counted as
/// handled. Settling and writing is then <see cref="BatchSettlement"/>'s. What stays with each host is whether a
/// partition's decoder outlives a batch, what an attempt is, and its commit model.
/// </summary>
/// <remarks>One instance per processor; it holds nothing of any batch, so partitions may be handled at once.</remarks>
internal sealed class BatchHandling
{
    private readonly IngestionOptions _ingestion;
    private readonly IReadOnlyList<IAggregateSink> _sinks;
    private readonly IDeadLetterPublisher _deadLetters;
    private readonly IRecordHandler _handler;
    private readonly OwnTelemetry _telemetry;
    private readonly string _consumerGroup;

    public BatchHandling(KafkaOptions options, IngestionOptions ingestion, IEnumerable<IAggregateSink> sinks, IDeadLetterPublisher deadLetters, IRecordHandler handler, OwnTelemetry telemetry)
    {
        _ingestion = ingestion;
        _sinks = [.. sinks];
        _deadLetters = deadLetters;
        _handler = handler;
        _telemetry = telemetry;
        _consumerGroup = options.ConsumerGroup;
        Strategy = PipelineSettings.Strategy(options);
        Policy = PipelineSettings.RetryPolicy(options);
    }

    public AckStrategy Strategy { get; }

    public RetryPolicy Policy { get; }

    /// <summary>A decoder for one partition, with nothing interned yet.</summary>
    public PartitionDecoder NewDecoder(string topic, int partition) => new(topic, partition, _ingestion);

    /// <summary>
    /// Counts <paramref name="batch"/> as started and consumed and opens its processing activity, which the host ends
    /// (<see cref="OwnTelemetry.BatchProcessEnded"/> or <see cref="OwnTelemetry.BatchProcessFailed"/>) with the
    /// returned tags.
    /// </summary>
    public KafeeBatchTags Begin(PartitionBatch batch, out Activity? activity)
    {
        var tags = new KafeeBatchTags(batch.Topic, batch.Partition, _consumerGroup, Strategy);
        // A batch reaches a processor already gathered, so it starts and begins processing at once.
        _telemetry.BatchStarted(tags);
        activity = _telemetry.BatchProcessStarted(tags, batch.Records.Count);
        _telemetry.MessagesConsumed(batch.Topic, batch.Partition, PipelineHandler.EventType, batch.Records.Count);
        return tags;
    }

    /// <summary>
    /// Decodes <paramref name="records"/> with <paramref name="decoder"/> into <paramref name="decoded"/> and returns
    /// the record handler's outcome for each, in order; a handler that throws makes its record malformed.
    /// </summary>
    public MessageOutcome[] Handle(PartitionDecoder decoder, IReadOnlyList<ConsumedRecord> records, int attempt, out TelemetryBatch decoded)
    {
        var handling = Stopwatch.GetTimestamp();
        decoded = decoder.Decode(records);
        var outcomes = new MessageOutcome[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            outcomes[i] = GuardedRecordHandler.Handle(_handler, records[i], decoded[i], attempt);
        }

        _telemetry.Handled(PipelineHandler.Name, PipelineHandler.EventType, outcomes, Stopwatch.GetElapsedTime(handling));
        return outcomes;
    }

    /// <summary>The settlement of one partition batch, to write its dead letters and its settled ranges.</summary>
    public BatchSettlement Settle(in KafeeBatchTags tags) => new(_sinks, _deadLetters, _telemetry, tags);
}
