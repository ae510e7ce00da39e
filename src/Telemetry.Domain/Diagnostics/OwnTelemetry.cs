using System.Diagnostics;
using System.Diagnostics.Metrics;
using Telemetry.Domain.Acknowledgement;
using K = Telemetry.Domain.Diagnostics.OwnAttributeKeys;

namespace Telemetry.Domain.Diagnostics;

/// <summary>
/// The product's own telemetry: the one <see cref="Meter"/> and <see cref="ActivitySource"/> named
/// <see cref="OwnMetricCatalog.MeterName"/>, with every instrument of <see cref="OwnMetricCatalog"/> created once.
/// Hosts hold one instance (a DI singleton) and call the recording methods; tags are always built in the
/// catalog's order and never carry ids (offsets, keys, trace ids).
/// </summary>
public sealed class OwnTelemetry : IDisposable
{
    private readonly Counter<long> _messagesPublished;
    private readonly Counter<long> _messagesConsumed;
    private readonly Counter<long> _handlerInvocations;
    private readonly Counter<long> _handlerErrors;
    private readonly Counter<long> _messagesDlq;
    private readonly Counter<long> _connectionErrors;
    private readonly Counter<long> _reconnections;
    private readonly Counter<long> _rebalances;
    private readonly Counter<long> _publishErrors;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<double> _consumeDuration;
    private readonly Histogram<double> _handlerDuration;
    private readonly Histogram<long> _batchSize;
    private readonly Counter<long> _batchStarted;
    private readonly Counter<long> _batchProcessStart;
    private readonly Counter<long> _batchProcessEnd;
    private readonly Counter<long> _batchProcessError;
    private readonly Counter<long> _batchMessageRetry;
    private readonly Counter<long> _batchDlqSent;
    private readonly Counter<long> _batchDlqError;
    private readonly CallbackRegistry<ConsumerLagObservation> _lagSources = new();
    private readonly CallbackRegistry<ConnectionStateObservation> _connectionSources = new();

    /// <param name="meterFactory">The host's factory (DI); without one the meter is created directly.</param>
    public OwnTelemetry(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(OwnMetricCatalog.MeterName) ?? new Meter(OwnMetricCatalog.MeterName);
        ActivitySource = new ActivitySource(OwnMetricCatalog.ActivitySourceName);

        _messagesPublished = CreateCounter(OwnMetricCatalog.MessagesPublished);
        _messagesConsumed = CreateCounter(OwnMetricCatalog.MessagesConsumed);
        _handlerInvocations = CreateCounter(OwnMetricCatalog.HandlerInvocations);
        _handlerErrors = CreateCounter(OwnMetricCatalog.HandlerErrors);
        _messagesDlq = CreateCounter(OwnMetricCatalog.MessagesDlq);
        _connectionErrors = CreateCounter(OwnMetricCatalog.ConnectionErrors);
        _reconnections = CreateCounter(OwnMetricCatalog.Reconnections);
        _rebalances = CreateCounter(OwnMetricCatalog.Rebalances);
        _publishErrors = CreateCounter(OwnMetricCatalog.PublishErrors);
        _publishDuration = CreateHistogram<double>(OwnMetricCatalog.PublishDuration);
        _consumeDuration = CreateHistogram<double>(OwnMetricCatalog.ConsumeDuration);
        _handlerDuration = CreateHistogram<double>(OwnMetricCatalog.HandlerDuration);
        _batchSize = CreateHistogram<long>(OwnMetricCatalog.BatchSize);
        CreateGauge(OwnMetricCatalog.ConnectionsActive, ObserveConnections);
        CreateGauge(OwnMetricCatalog.ConsumerLag, ObserveLag);
        _batchStarted = CreateCounter(OwnMetricCatalog.KafeeBatchStarted);
        _batchProcessStart = CreateCounter(OwnMetricCatalog.KafeeBatchProcessStart);
        _batchProcessEnd = CreateCounter(OwnMetricCatalog.KafeeBatchProcessEnd);
        _batchProcessError = CreateCounter(OwnMetricCatalog.KafeeBatchProcessError);
        _batchMessageRetry = CreateCounter(OwnMetricCatalog.KafeeBatchMessageRetry);
        _batchDlqSent = CreateCounter(OwnMetricCatalog.KafeeBatchDlqSent);
        _batchDlqError = CreateCounter(OwnMetricCatalog.KafeeBatchDlqError);
    }

    public Meter Meter { get; }

    public ActivitySource ActivitySource { get; }

    // ---- Kafee batch lifecycle -------------------------------------------------------------------

    /// <summary>A batch began to accumulate (Kafee <c>batch.started</c>).</summary>
    public void BatchStarted(in KafeeBatchTags batch) => _batchStarted.Add(1, KafeeTags(batch));

    /// <summary>
    /// Processing of a consumed batch begins: counts <c>kafee.batch.process_start</c>, the consumed messages
    /// by event type, and starts the batch activity (null when nobody listens). Pass the activity to
    /// <see cref="BatchProcessEnded"/> or <see cref="BatchProcessFailed"/>.
    /// </summary>
    public Activity? BatchProcessStarted(in KafeeBatchTags batch, int messageCount)
    {
        _batchProcessStart.Add(1, KafeeTags(batch));
        var activity = ActivitySource.StartActivity(BatchActivityName, ActivityKind.Consumer);
        if (activity is not null)
        {
            activity.SetTag(K.MessagingSystem, K.KafkaSystem);
            activity.SetTag(K.MessagingDestination, batch.Topic);
            activity.SetTag(K.KafkaPartition, batch.Partition);
            activity.SetTag(K.KafkaConsumerGroup, batch.ConsumerGroup);
            activity.SetTag(K.AckStrategy, batch.AckStrategy.ToConfigValue());
            activity.SetTag(BatchMessageCountTag, messageCount);
        }

        return activity;
    }

    /// <summary>The activity name of a partition batch's processing (low cardinality: no topic in it).</summary>
    public const string BatchActivityName = "kafee.batch.process";

    /// <summary>OpenTelemetry's messaging attribute for the number of messages in a batch.</summary>
    public const string BatchMessageCountTag = "messaging.batch.message_count";

    /// <summary>
    /// Processing of a batch completed (Kafee <c>batch.process_end</c>). <paramref name="duration"/> feeds
    /// <c>consume.duration</c> once per partition batch, the unit in which we consume and process.
    /// </summary>
    public void BatchProcessEnded(in KafeeBatchTags batch, int succeededCount, int failedCount, TimeSpan duration, Activity? activity = null)
    {
        _batchProcessEnd.Add(1, KafeeTags(batch));
        _consumeDuration.Record(duration.TotalMilliseconds, new TagList { { K.MessagingDestination, batch.Topic } });
        if (activity is not null)
        {
            activity.SetTag("kafee.success_count", succeededCount);
            activity.SetTag("kafee.failed_count", failedCount);
            activity.SetStatus(ActivityStatusCode.Ok);
            activity.Dispose();
        }
    }

    /// <summary>Processing of a batch failed as a whole (Kafee <c>batch.process_error</c>).</summary>
    public void BatchProcessFailed(in KafeeBatchTags batch, string errorType, TimeSpan duration, Activity? activity = null)
    {
        _batchProcessError.Add(1, KafeeTags(batch, errorType));
        _consumeDuration.Record(duration.TotalMilliseconds, new TagList { { K.MessagingDestination, batch.Topic } });
        if (activity is not null)
        {
            activity.SetTag(K.ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
            activity.Dispose();
        }
    }

    /// <summary>A message failure triggered a retry (Kafee <c>batch.message_retry</c>).</summary>
    public void MessageRetried(in KafeeBatchTags batch, int count = 1) => _batchMessageRetry.Add(count, KafeeTags(batch));

    /// <summary>Counts every retry an acknowledgement round scheduled.</summary>
    public void RetriesScheduled(in KafeeBatchTags batch, AckDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Retries.Count > 0)
        {
            MessageRetried(batch, decision.Retries.Count);
        }
    }

    /// <summary>A dead letter was delivered: Kafee <c>batch.dlq_sent</c> and seed 001's <c>messages.dlq</c>.</summary>
    public void DeadLettered(in KafeeBatchTags batch, DeadLetterReason reason, string errorType)
    {
        _batchDlqSent.Add(1, KafeeTags(batch));
        _messagesDlq.Add(1, new TagList { { K.DlqReason, reason.ToValue() }, { K.ErrorType, errorType } });
    }

    /// <summary>A dead-letter write failed (Kafee <c>batch.dlq_error</c>); the commit does not pass that message.</summary>
    public void DeadLetterFailed(in KafeeBatchTags batch, string errorType) => _batchDlqError.Add(1, KafeeTags(batch, errorType));

    /// <summary>
    /// Records a round's dead-letter writes from their delivery reports: each delivered one as sent, each other
    /// one as a <c>dlq_error</c> with the report's error kind (<c>no_delivery_report</c> when there was none,
    /// which the acknowledgement also treats as not delivered).
    /// </summary>
    public void DeadLettersConfirmed(in KafeeBatchTags batch, IReadOnlyList<DeadLetter> written, IReadOnlyList<DeadLetterDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(deliveries);
        foreach (var deadLetter in written)
        {
            DeadLetterDelivery? report = null;
            foreach (var delivery in deliveries)
            {
                if (delivery.Offset == deadLetter.Record.Offset)
                {
                    report = delivery;
                }
            }

            if (report is { Delivered: true })
            {
                DeadLettered(batch, deadLetter.Reason, deadLetter.ErrorKind);
            }
            else
            {
                DeadLetterFailed(batch, report?.ErrorKind ?? "no_delivery_report");
            }
        }
    }

    // ---- seed 001: consuming, handling, publishing, connection ---------------------------------------

    /// <summary>Messages of one event type consumed from a partition.</summary>
    public void MessagesConsumed(string topic, int partition, string eventType, long count = 1) =>
        _messagesConsumed.Add(count, new TagList
        {
            { K.MessagingSystem, K.KafkaSystem },
            { K.MessagingDestination, topic },
            { K.KafkaPartition, partition },
            { K.EventType, eventType },
        });

    /// <summary>
    /// One handling round of a batch by the record handler (decode, validate, aggregate): every successful outcome counts
    /// as an invocation, every failed or malformed one as an error of its error kind, and the round's time is one
    /// <c>handler.duration</c> measurement (the handler runs over a batch, not one message at a time).
    /// </summary>
    public void Handled(string handlerName, string eventType, ReadOnlySpan<MessageOutcome> outcomes, TimeSpan duration)
    {
        var tags = new TagList { { K.HandlerName, handlerName }, { K.EventType, eventType } };
        var succeeded = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.IsSuccess)
            {
                succeeded++;
            }
            else
            {
                _handlerErrors.Add(1, new TagList { { K.HandlerName, handlerName }, { K.EventType, eventType }, { K.ErrorType, outcome.ErrorKind } });
            }
        }

        if (succeeded > 0)
        {
            _handlerInvocations.Add(succeeded, tags);
        }

        if (outcomes.Length > 0)
        {
            _handlerDuration.Record(duration.TotalMilliseconds, tags);
        }
    }

    /// <summary>A batch of <paramref name="count"/> messages was published (the DLQ producer, the DLQ replay, the pollers' derived events).</summary>
    public void Published(string topic, string eventType, int count, TimeSpan duration)
    {
        _messagesPublished.Add(count, new TagList { { K.MessagingSystem, K.KafkaSystem }, { K.MessagingDestination, topic }, { K.EventType, eventType } });
        _publishDuration.Record(duration.TotalMilliseconds, new TagList { { K.MessagingDestination, topic } });
        _batchSize.Record(count);
    }

    public void PublishFailed(string topic, string eventType, string errorType, int count = 1) =>
        _publishErrors.Add(count, new TagList
        {
            { K.MessagingSystem, K.KafkaSystem },
            { K.MessagingDestination, topic },
            { K.EventType, eventType },
            { K.ErrorType, errorType },
        });

    public void ConnectionFailed(string errorType) => _connectionErrors.Add(1, new TagList { { K.ErrorType, errorType } });

    public void Reconnecting(long count = 1) => _reconnections.Add(count);

    public void Rebalanced(string consumerGroup) => _rebalances.Add(1, new TagList { { K.KafkaConsumerGroup, consumerGroup } });

    // ---- observable gauges: pollers register their readings -------------------------------------------

    /// <summary>
    /// Adds a source of per-partition lag readings to <c>kafka.eventbus.consumer.lag</c>. The callback runs on the
    /// exporter's collection thread and must return quickly (the poller's last readings). Dispose to remove it.
    /// </summary>
    public IDisposable RegisterConsumerLag(Func<IEnumerable<ConsumerLagObservation>> source) => _lagSources.Add(source);

    /// <summary>Adds a source of connection states to <c>kafka.eventbus.connections.active</c> (1 connected, 0 not). Dispose to remove it.</summary>
    public IDisposable RegisterConnectionState(Func<IEnumerable<ConnectionStateObservation>> source) => _connectionSources.Add(source);

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var reading in _lagSources.Collect())
        {
            yield return new Measurement<long>(reading.Lag, new TagList
            {
                { K.KafkaPartition, reading.Partition },
                { K.KafkaConsumerGroup, reading.ConsumerGroup },
                { K.MessagingDestination, reading.Topic },
            });
        }
    }

    // One series per group: two readings with the same tags would leave the exporter keeping whichever came last. A
    // consumer's own state outranks a poller's; among equals, one disconnected reader makes the group read 0.
    private IEnumerable<Measurement<long>> ObserveConnections()
    {
        var groups = new Dictionary<string, ConnectionStateObservation>(StringComparer.Ordinal);
        foreach (var reading in _connectionSources.Collect())
        {
            if (!groups.TryGetValue(reading.ConsumerGroup, out var kept)
                || reading.Observer < kept.Observer
                || (reading.Observer == kept.Observer && !reading.Connected))
            {
                groups[reading.ConsumerGroup] = reading;
            }
        }

        foreach (var (group, reading) in groups)
        {
            yield return new Measurement<long>(reading.Connected ? 1 : 0, new TagList { { K.KafkaConsumerGroup, group } });
        }
    }

    private static TagList KafeeTags(in KafeeBatchTags batch) => new()
    {
        { K.MessagingDestination, batch.Topic },
        { K.KafkaPartition, batch.Partition },
        { K.KafkaConsumerGroup, batch.ConsumerGroup },
        { K.AckStrategy, batch.AckStrategy.ToConfigValue() },
    };

    private static TagList KafeeTags(in KafeeBatchTags batch, string errorType)
    {
        var tags = KafeeTags(batch);
        tags.Add(K.ErrorType, errorType);
        return tags;
    }

    private Counter<long> CreateCounter(string name)
    {
        var metric = OwnMetricCatalog.Get(name);
        return Meter.CreateCounter<long>(metric.Name, metric.Unit, metric.Description);
    }

    private Histogram<T> CreateHistogram<T>(string name)
        where T : struct
    {
        var metric = OwnMetricCatalog.Get(name);
        return Meter.CreateHistogram<T>(metric.Name, metric.Unit, metric.Description);
    }

    private void CreateGauge(string name, Func<IEnumerable<Measurement<long>>> observe)
    {
        var metric = OwnMetricCatalog.Get(name);
        Meter.CreateObservableGauge(metric.Name, observe, metric.Unit, metric.Description);
    }
}
