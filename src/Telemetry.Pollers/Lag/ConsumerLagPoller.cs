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
internal sealed class ConsumerLagPoller : TargetPoller<string>
{
    public const string PollerName = "lag";
    public const string StatusChangeEvent = "kafka.consumer.lag.status_changed";

    private readonly KafkaLagSource _source;
    private readonly LagStateStore _store;
    private readonly INotableEventSink _notableEvents;
    private readonly ILagSampleStore _samples;

    internal ConsumerLagPoller(
        IOptions<PollersOptions> options,
        KafkaLagSource source,
        LagStateStore store,
        PollerInstruments instruments,
        INotableEventSink notableEvents,
        TimeProvider time,
        ILogger<ConsumerLagPoller> logger,
        ILagSampleStore samples)
        : base(PollerName, nameof(PollersOptions.LagSchedule), options.Value.LagIntervalSeconds, options.Value, instruments, time, logger)
    {
        _source = source;
        _store = store;
        _notableEvents = notableEvents;
        _samples = samples;
    }

    private IReadOnlyList<string> Topics => PollersOptions.SplitList(Options.LagTopics);

    private protected override IReadOnlyList<string> Targets() => PollersOptions.SplitList(Options.LagConsumerGroups);

    private protected override string Describe(string group) => group;

    private protected override async Task<string?> PollTargetAsync(string group, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var topics = Topics;
        using var timeout = TargetTimeout(cancellationToken);
        var offsetsTask = _source.ReadAsync(group, topics, TimeSpan.FromSeconds(Options.TimeoutSeconds), timeout.Token);
        var previousTask = _store.LoadAsync(group, timeout.Token);
        IReadOnlyList<PartitionOffsets> offsets;
        try
        {
            offsets = await offsetsTask.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KafkaException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Instruments.KafkaUnreachable(group, ex is KafkaException kafka ? kafka.Error.Code.ToString() : "timeout");
            throw;
        }

        Instruments.KafkaReached(group);
        var (previous, previousGroupStatus) = await previousTask.ConfigureAwait(false);
        var now = Time.GetUtcNow();

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

        using var writeTimeout = RecordTimeout();
        await _store.SaveAsync(group, results, groupStatus, now, writeTimeout.Token).ConfigureAwait(false);

        // The raw observations go to the ledger's lag-sample table, where its queries read them.
        var samples = offsets.Select(o => new LagSample(group, o.Topic, o.Partition, now, o.Committed ?? -1, o.HighWatermark)).ToArray();
        await _samples.UpsertAsync(samples, writeTimeout.Token).ConfigureAwait(false);

        if (changes.Count > 0)
        {
            await _notableEvents.WriteAsync(changes, writeTimeout.Token).ConfigureAwait(false);
        }

        if (Logger.IsEnabled(LogLevel.Debug))
        {
            Logger.Polled(group, results.Count, groupStatus.ToName());
        }

        return null;
    }

    private protected override string Failed(string group, Exception exception)
    {
        Logger.PollFailed(exception, group);
        ForgetGauges(group);
        return $"{exception.GetType().Name}: {exception.Message}";
    }

    private protected override void DeadlineReached(string group) => ForgetGauges(group);

    /// <summary>
    /// A poll that could not read the group leaves no lag reading behind: the last one would stand for the group's lag
    /// while it may be growing, hiding it from the lag alerts. The gap is visible instead, and the connection gauge says why.
    /// </summary>
    private void ForgetGauges(string group)
    {
        foreach (var name in LagGauges)
        {
            Instruments.Readings.Remove(name, PollerMetricNames.ConsumerGroupAttribute, group);
        }
    }

    private static readonly string[] LagGauges =
    [
        PollerMetricNames.ConsumerLag, PollerMetricNames.ConsumerLagSeconds, PollerMetricNames.ConsumerLagSum, PollerMetricNames.ConsumerLagStatus,
    ];

    /// <summary>Returns null for a partition the group never committed on: it has no lag to speak of yet.</summary>
    private PartitionLagState? Evaluate(PartitionOffsets partition, PartitionLagState? before, DateTimeOffset now)
    {
        var table = new OffsetTimeTable(Options.LagSampleCount, before?.Samples);
        table.Add(partition.HighWatermark, now);
        if (partition.Committed is not { } committed)
        {
            return null;
        }

        // Commit time as far as polling can tell: the first poll that saw this offset (see BurrowEvaluator).
        var window = new List<OffsetObservation>(before?.Window ?? []);
        var committedAt = window.Count > 0 && window[^1].Offset == committed ? window[^1].CommittedAt : now;
        window.Add(new OffsetObservation(committed, committedAt, partition.HighWatermark));
        if (window.Count > Options.LagWindowSize)
        {
            window.RemoveRange(0, window.Count - Options.LagWindowSize);
        }

        // Burrow judges a partition only on a complete window. Polling makes this matter more: the first poll that sees
        // an offset stands in for its commit time, so a short window of one unchanged offset spans no time and any
        // quiet poll between two commits would read as STOP (a flood of status changes at every consumer start).
        var status = window.Count < Options.LagWindowSize
            ? LagStatus.Ok
            : BurrowEvaluator.EvaluatePartition(window, window.Select(o => o.HighWatermark).ToArray(), now, Options.LagAllowedMessages);

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
        var readings = Instruments.Readings;
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
