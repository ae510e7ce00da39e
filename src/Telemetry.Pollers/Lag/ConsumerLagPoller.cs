using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.LagSamples;
using Telemetry.Pollers.Diagnostics;

namespace Telemetry.Pollers.Lag;

/// <summary>
/// For each configured group and topic: message lag per partition (high watermark − committed offset) and per topic
/// (<c>lag_sum</c>), lag in seconds from the partition's (latest offset, time) table, and Burrow's status per partition
/// and group. Writes the gauges, the lag rows, and a notable event for every status change.
/// </summary>
public sealed class ConsumerLagPoller : IPoller
{
    public const string PollerName = "lag";
    public const string StatusChangeEvent = "kafka.consumer.lag.status_changed";

    private readonly PollersOptions _options;
    private readonly KafkaLagSource _source;
    private readonly LagSampleStore _store;
    private readonly PollerInstruments _instruments;
    private readonly INotableEventSink _notableEvents;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsumerLagPoller> _logger;
    private readonly ILagSampleStore? _ledgerSamples;

    internal ConsumerLagPoller(
        IOptions<PollersOptions> options,
        KafkaLagSource source,
        LagSampleStore store,
        PollerInstruments instruments,
        INotableEventSink notableEvents,
        TimeProvider time,
        ILogger<ConsumerLagPoller> logger,
        ILagSampleStore? ledgerSamples = null)
    {
        _options = options.Value;
        _source = source;
        _store = store;
        _instruments = instruments;
        _notableEvents = notableEvents;
        _time = time;
        _logger = logger;
        _ledgerSamples = ledgerSamples;
    }

    public string Name => PollerName;

    public string ScheduleKey => $"{PollersOptions.SectionName}:{nameof(PollersOptions.LagSchedule)}";

    public TimeSpan Interval => TimeSpan.FromSeconds(_options.LagIntervalSeconds);

    public async Task<PollResult> PollAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(_options.DeadlineSeconds));

        var groups = PollersOptions.SplitList(_options.LagConsumerGroups);
        var topics = PollersOptions.SplitList(_options.LagTopics);
        var outcomes = await Task.WhenAll(groups.Select(g => PollGroupAsync(g, topics, deadline.Token))).ConfigureAwait(false);
        var failures = outcomes.Where(o => o is not null).Select(o => o!).ToArray();
        return new PollResult(PollerName, groups.Count - failures.Length, failures.Length, Stopwatch.GetElapsedTime(started), failures);
    }

    private async Task<string?> PollGroupAsync(string group, IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
            var offsetsTask = _source.ReadAsync(group, topics, TimeSpan.FromSeconds(_options.TimeoutSeconds), timeout.Token);
            var previousTask = _store.LoadAsync(group, timeout.Token);
            IReadOnlyList<PartitionOffsets> offsets;
            try
            {
                offsets = await offsetsTask.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KafkaException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _instruments.KafkaUnreachable(group, ex is KafkaException kafka ? kafka.Error.Code.ToString() : "timeout");
                throw;
            }

            _instruments.KafkaReached(group);
            var (previous, previousGroupStatus) = await previousTask.ConfigureAwait(false);
            var now = _time.GetUtcNow();

            var results = new List<PartitionLagState>(offsets.Count);
            var changes = new List<NotableEvent>();
            foreach (var partition in offsets)
            {
                previous.TryGetValue((partition.Topic, partition.Partition), out var before);
                var state = Evaluate(partition, before, now);
                if (state is null)
                {
                    continue;
                }

                results.Add(state);
                var beforeStatus = before?.Status ?? LagStatus.Ok;
                if (state.Status != beforeStatus)
                {
                    changes.Add(StatusChanged(group, state.Topic, state.Partition, beforeStatus, state.Status, now));
                }
            }

            var groupStatus = BurrowEvaluator.EvaluateGroup(results.Select(r => r.Status));
            if (groupStatus != (previousGroupStatus ?? LagStatus.Ok))
            {
                changes.Add(StatusChanged(group, null, null, previousGroupStatus ?? LagStatus.Ok, groupStatus, now));
            }

            WriteGauges(group, topics, results, groupStatus);

            // Rows and events record this run even if the deadline fired meanwhile: they are what it observed.
            using var writeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TimeoutSeconds));
            await _store.SaveAsync(group, results, groupStatus, now, writeTimeout.Token).ConfigureAwait(false);
            if (_ledgerSamples is not null)
            {
                // The raw observations also go to the ledger's lag-sample table, where its queries read them.
                var samples = offsets.Select(o => new LagSample(group, o.Topic, o.Partition, now, o.Committed ?? -1, o.HighWatermark)).ToArray();
                await _ledgerSamples.UpsertAsync(samples, writeTimeout.Token).ConfigureAwait(false);
            }

            if (changes.Count > 0)
            {
                await _notableEvents.WriteAsync(changes, writeTimeout.Token).ConfigureAwait(false);
            }

            _logger.LogDebug("Lag poll of group {ConsumerGroup}: {PartitionCount} partitions, status {Status}", group, results.Count, groupStatus.ToName());
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Lag poll of group {ConsumerGroup} failed", group);
            return $"{group}: {ex.GetType().Name}: {ex.Message}";
        }
        catch (OperationCanceledException)
        {
            return $"{group}: poll deadline reached";
        }
    }

    /// <summary>Returns null for a partition the group never committed on: it has no lag to speak of yet.</summary>
    private PartitionLagState? Evaluate(PartitionOffsets partition, PartitionLagState? before, DateTimeOffset now)
    {
        var table = new OffsetTimeTable(_options.LagSampleCount, before?.Samples);
        table.Add(partition.HighWatermark, now);
        if (partition.Committed is not { } committed)
        {
            return null;
        }

        // Commit time as far as polling can tell: the first poll that saw this offset (see BurrowEvaluator).
        var window = new List<OffsetObservation>(before?.Window ?? []);
        var committedAt = window.Count > 0 && window[^1].Offset == committed ? window[^1].CommittedAt : now;
        window.Add(new OffsetObservation(committed, committedAt, partition.HighWatermark));
        if (window.Count > _options.LagWindowSize)
        {
            window.RemoveRange(0, window.Count - _options.LagWindowSize);
        }

        // Burrow judges a partition only on a complete window. Polling makes this matter more: the first poll that sees
        // an offset stands in for its commit time, so a short window of one unchanged offset spans no time and any
        // quiet poll between two commits would read as STOP (a flood of status changes at every consumer start).
        var status = window.Count < _options.LagWindowSize
            ? LagStatus.Ok
            : BurrowEvaluator.EvaluatePartition(window, window.Select(o => o.HighWatermark).ToArray(), now, _options.LagAllowedMessages);

        var lag = Math.Max(0, partition.HighWatermark - committed);
        return new PartitionLagState(partition.Topic, partition.Partition, table.Points.ToArray(), window, lag, table.LagSeconds(committed, now), status);
    }

    private void WriteGauges(string group, IReadOnlyList<string> topics, List<PartitionLagState> results, LagStatus groupStatus)
    {
        KeyValuePair<string, object?> groupTag = new(PollerMetricNames.ConsumerGroupAttribute, group);
        var lag = new List<Measurement<double>>();
        var seconds = new List<Measurement<double>>();
        var status = new List<Measurement<double>>();
        var sums = new List<Measurement<double>>();
        foreach (var r in results)
        {
            // Seed 001's attribute order: partition, consumer group, destination.
            KeyValuePair<string, object?>[] tags = [new(PollerMetricNames.PartitionAttribute, r.Partition), groupTag, new(PollerMetricNames.DestinationAttribute, r.Topic)];
            lag.Add(new(r.Lag, tags));
            status.Add(new((int)r.Status, tags));
            if (r.LagSeconds is { } s)
            {
                seconds.Add(new(s, tags));
            }
        }

        foreach (var topic in topics)
        {
            var inTopic = results.Where(r => r.Topic == topic).ToArray();
            if (inTopic.Length > 0)
            {
                sums.Add(new(inTopic.Sum(r => r.Lag), groupTag, new(PollerMetricNames.DestinationAttribute, topic)));
            }
        }

        status.Add(new((int)groupStatus, groupTag));
        var readings = _instruments.Readings;
        readings.Replace(PollerMetricNames.ConsumerLag, PollerMetricNames.ConsumerGroupAttribute, group, lag);
        readings.Replace(PollerMetricNames.ConsumerLagSeconds, PollerMetricNames.ConsumerGroupAttribute, group, seconds);
        readings.Replace(PollerMetricNames.ConsumerLagSum, PollerMetricNames.ConsumerGroupAttribute, group, sums);
        readings.Replace(PollerMetricNames.ConsumerLagStatus, PollerMetricNames.ConsumerGroupAttribute, group, status);
    }

    private static NotableEvent StatusChanged(string group, string? topic, int? partition, LagStatus before, LagStatus after, DateTimeOffset now)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PollerMetricNames.ConsumerGroupAttribute] = group,
            ["status"] = after.ToName(),
            ["previous_status"] = before.ToName(),
        };
        if (topic is not null)
        {
            attributes[PollerMetricNames.DestinationAttribute] = topic;
        }

        if (partition is { } p)
        {
            attributes[PollerMetricNames.PartitionAttribute] = p.ToString(CultureInfo.InvariantCulture);
        }

        var scope = topic is null ? group : $"{group}/{topic}/{partition}";
        return new NotableEvent(
            NotableEventKind.LagStatusChange,
            now,
            StatusChangeEvent,
            $"lag/{scope}/{now.ToUnixTimeMilliseconds()}",
            $"{before.ToName()} -> {after.ToName()}",
            null,
            attributes);
    }
}
