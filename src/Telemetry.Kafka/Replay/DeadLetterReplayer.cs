using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry.Domain.Acknowledgement;
using Telemetry.Domain.Diagnostics;
using Telemetry.Kafka.Configuration;
using Telemetry.Kafka.Consuming;
using Telemetry.Kafka.DeadLetters;

namespace Telemetry.Kafka.Replay;

/// <summary>
/// <c>dlq replay</c>: re-publishes dead letters to their original topic and partition (or another topic), with the
/// original key, value and headers, plus <c>x-replayed-from-dlq</c> naming the dead letter. It reads the dead-letter
/// topic from the start to its current end without joining a group, and records each replayed dead letter in
/// <see cref="ReplayRequest.MarkerTopic"/> after the re-publish is confirmed, so running it again (with the same or
/// other filters) never re-publishes a dead letter twice.
/// </summary>
/// <remarks>
/// Why a replayed event is not counted twice: a dead-lettered record was never counted (the pipeline excludes it
/// from the aggregates), so its replay is the first time it counts; the marker topic keeps a second replay run
/// from publishing it again; and the header lets anything downstream tell a replay from a new event (a replay that
/// fails again goes back to the DLQ still carrying it).
/// A replay run is one publish batch per target topic for seed 001's metrics: <c>messages.published</c> and
/// <c>batch.size</c> count the replayed records, <c>publish.duration</c> is the run's publishing time, and a refused
/// re-publish is a <c>publish.errors</c> (with <c>event.type</c> <see cref="EventType"/>).
/// </remarks>
public sealed class DeadLetterReplayer
{
    private readonly KafkaOptions _options;
    private readonly ILogger<DeadLetterReplayer> _logger;
    private readonly OwnTelemetry? _telemetry;

    public DeadLetterReplayer(IOptions<KafkaOptions> options, ILogger<DeadLetterReplayer> logger, OwnTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _telemetry = telemetry;
    }

    /// <summary>The <c>event.type</c> of a replayed dead letter in the publish metrics.</summary>
    public const string EventType = "dlq_replay";

    public async Task<ReplayReport> ReplayAsync(ReplayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alreadyReplayed = request.IncludeAlreadyReplayed ? [] : this.ReadAll(request.MarkerTopic, cancellationToken)
            .Select(r => Encoding.UTF8.GetString(r.Message.Key ?? []))
            .ToHashSet(StringComparer.Ordinal);

        var items = new List<ReplayItem>();
        var published = new Dictionary<string, int>(StringComparer.Ordinal);
        var publishing = TimeSpan.Zero;
        using var producer = request.DryRun ? null : new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(_options, _options.BootstrapServers, "dlq-replay")).Build();
        foreach (var result in this.ReadAll(request.DeadLetterTopic, cancellationToken))
        {
            var record = result.ToConsumedRecord();
            var headers = record.Headers;
            var originalTopic = DeadLetterHeaderValues.GetText(headers, DeadLetterHeaders.OriginalTopic) ?? string.Empty;
            var originalPartition = (int?)DeadLetterHeaderValues.GetNumber(headers, DeadLetterHeaders.OriginalPartition);
            var kind = DeadLetterHeaderValues.GetText(headers, DeadLetterHeaders.ErrorKind) ?? string.Empty;
            var failedAtMs = DeadLetterHeaderValues.GetNumber(headers, DeadLetterHeaders.FailureTimestamp);
            DateTimeOffset? failedAt = failedAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            var target = request.TargetTopic ?? originalTopic;
            var markerKey = string.Create(CultureInfo.InvariantCulture, $"{result.Partition.Value}:{result.Offset.Value}");

            var disposition = ReplayDisposition.Replayed;
            if ((request.ErrorKinds is { Count: > 0 } kinds && !kinds.Contains(kind))
                || (request.FailedFrom is { } from && (failedAt is null || failedAt < from))
                || (request.FailedUntil is { } until && (failedAt is null || failedAt >= until))
                || target.Length == 0)
            {
                disposition = ReplayDisposition.Filtered;
            }
            else if (alreadyReplayed.Contains(markerKey))
            {
                disposition = ReplayDisposition.AlreadyReplayed;
            }

            items.Add(new ReplayItem(result.Partition.Value, result.Offset.Value, originalTopic, originalPartition,
                DeadLetterHeaderValues.GetNumber(headers, DeadLetterHeaders.OriginalOffset), kind, failedAt, target, disposition));
            if (disposition != ReplayDisposition.Replayed || producer is null)
            {
                continue;
            }

            var replay = new Message<byte[]?, byte[]?>
            {
                Key = result.Message.Key,
                Value = result.Message.Value,
                Headers = ReplayHeaders(result, request.DeadLetterTopic),
            };
            var destination = request.TargetTopic is null && originalPartition is { } p and >= 0
                ? new TopicPartition(target, new Partition(p))
                : new TopicPartition(target, Partition.Any);

            // Confirmed before the marker: a crash in between can at worst replay this one dead letter again.
            var started = Stopwatch.GetTimestamp();
            try
            {
                await producer.ProduceAsync(destination, replay, cancellationToken).ConfigureAwait(false);
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                _telemetry?.PublishFailed(target, EventType, ex.Error.Code.ToString());
                this.RecordPublished(published, publishing);
                throw;
            }

            publishing += Stopwatch.GetElapsedTime(started);
            published[target] = published.GetValueOrDefault(target) + 1;
            await producer.ProduceAsync(
                request.MarkerTopic,
                new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes(markerKey),
                    Value = Encoding.UTF8.GetBytes(target),
                },
                cancellationToken).ConfigureAwait(false);
        }

        producer?.Flush(cancellationToken);
        this.RecordPublished(published, publishing);
        var report = new ReplayReport(request.DryRun, items);
        _logger.Replayed(request.DeadLetterTopic, report.Replayed, request.DryRun ? " (dry run)" : string.Empty, report.Filtered, report.AlreadyReplayed);
        return report;
    }

    private void RecordPublished(Dictionary<string, int> published, TimeSpan duration)
    {
        foreach (var (topic, count) in published)
        {
            _telemetry?.Published(topic, EventType, count, duration);
        }
    }

    private static Headers ReplayHeaders(ConsumeResult<byte[], byte[]> deadLetter, string deadLetterTopic)
    {
        var headers = new Headers();
        foreach (var header in deadLetter.Message.Headers ?? [])
        {
            if (!DeadLetterHeaderValues.Added.Contains(header.Key) && header.Key != DeadLetterHeaderValues.ReplayedFromDlq)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(DeadLetterHeaderValues.ReplayedFromDlq, Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{deadLetterTopic}:{deadLetter.Partition.Value}:{deadLetter.Offset.Value}")));
        return headers;
    }

    /// <summary>Every record of the topic from the earliest offset to the end at the time of the call, partition by partition.</summary>
    private List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, CancellationToken cancellationToken)
    {
        var config = KafkaClientConfigs.Consumer(_options, _options.BootstrapServers);
        config.GroupId = _options.ConsumerGroup + ".dlq-replay";
        config.EnableAutoCommit = false;
        config.ClientId = _options.ClientId + "-dlq-replay";
        // The end is reached at EOF too: the last offsets of a compacted marker topic (or a transaction marker) are never delivered as records.
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var topicMetadata = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        var results = new List<ConsumeResult<byte[], byte[]>>();
        if (topicMetadata is null || topicMetadata.Error.IsError)
        {
            return results;
        }

        var ends = new Dictionary<int, long>();
        foreach (var p in topicMetadata.Partitions)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10));
            if (w.High.Value > w.Low.Value)
            {
                ends[p.PartitionId] = w.High.Value;
            }
        }

        if (ends.Count == 0)
        {
            return results;
        }

        // Assign, not subscribe: replay reads without joining (or disturbing) any consumer group.
        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        while (ends.Count > 0)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            cancellationToken.ThrowIfCancellationRequested();
            if (r is null || !ends.TryGetValue(r.Partition.Value, out var end))
            {
                continue;
            }

            if (r.IsPartitionEOF)
            {
                if (r.Offset.Value >= end)
                {
                    ends.Remove(r.Partition.Value);
                }

                continue;
            }

            if (r.Offset.Value < end)
            {
                results.Add(r);
            }

            if (r.Offset.Value + 1 >= end)
            {
                ends.Remove(r.Partition.Value);
            }
        }

        return [.. results.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)];
    }
}
