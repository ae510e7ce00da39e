using Microsoft.Extensions.Logging;
using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Aggregates;

/// <summary>
/// Publishes the core's minute aggregates to Azure Monitor through the aggregates meter. It only copies them into a
/// bounded in-memory buffer and returns a completed task: an exporter that is slow, failing or absent never slows,
/// blocks or fails a batch. A batch redelivered after a failed commit is not published twice: per partition the sink
/// remembers the last offset it published and, like the ledger, takes only the records after it.
/// </summary>
/// <remarks>
/// Azure Monitor numbers are at least once across process restarts (a batch published just before a crash is
/// published again after redelivery); the ledger is the exact record.
/// </remarks>
internal sealed class AzureMonitorAggregateSink : IAggregateSink
{
    private readonly AggregateMeter _meter;
    private readonly PendingAggregates _pending;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Topic, int Partition), long> _published = [];
    private readonly object _publishedGate = new();
    private readonly bool _namingContract;
    private int _failureLogged;

    /// <param name="namingContract">
    /// True for Azure Monitor: an ingested name under one of our reserved prefixes is registered as
    /// <see cref="IngestedMetricNames.ExportName"/> says (<c>ingested.kafka.eventbus.*</c>). False for the publishers
    /// beside it (OTLP, Prometheus): their views put <c>ingested.</c> before every aggregate's catalog name already, so
    /// renaming here too would serve family 001 as <c>ingested_ingested_kafka_eventbus_*</c>.
    /// </param>
    internal AzureMonitorAggregateSink(AggregateMeter meter, PendingAggregates pending, bool enabled, ILogger<AzureMonitorAggregateSink> logger, bool namingContract = true)
    {
        _meter = meter;
        _pending = pending;
        IsEnabled = enabled;
        _logger = logger;
        _namingContract = namingContract;
    }

    /// <summary>False when no connection string is configured: the sink then accepts and discards.</summary>
    public bool IsEnabled { get; }

    public Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        if (!IsEnabled || batch is null)
        {
            return Task.CompletedTask;
        }

        try
        {
            foreach (var ingested in Unpublished(batch))
            {
                var aggregate = _namingContract ? IngestedMetricNames.Exported(ingested) : ingested;
                if (_meter.TryRegister(aggregate.Series))
                {
                    _pending.Add(aggregate);
                }
            }
        }
        catch (Exception ex)
        {
            // Export is best effort next to the ledger: a fault here must not fail the batch or its commit.
            if (Interlocked.Exchange(ref _failureLogged, 1) == 0)
            {
                _logger.BatchSkipped(ex, batch.Topic, batch.Partition);
            }
        }

        return Task.CompletedTask;
    }

    private IReadOnlyList<MinuteAggregate> Unpublished(IPartitionBatchAggregates batch)
    {
        var key = (batch.Topic, batch.Partition);
        lock (_publishedGate)
        {
            if (!_published.TryGetValue(key, out var publishedThrough) || publishedThrough <= batch.AfterOffset)
            {
                _published[key] = batch.ThroughOffset;
                return batch.Aggregates;
            }

            if (publishedThrough >= batch.ThroughOffset)
            {
                return [];
            }

            _published[key] = batch.ThroughOffset;
            return batch.AggregatesAfter(publishedThrough);
        }
    }
}
