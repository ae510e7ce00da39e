using Telemetry.Domain.Aggregation;

namespace Telemetry.Export.Publishers;

/// <summary>Hands each batch's minute aggregates to every publisher beside Azure Monitor; only copies, never waits.</summary>
internal sealed class PublishersAggregateSink(MetricPublishers publishers) : IAggregateSink
{
    public async Task WriteAsync(IPartitionBatchAggregates batch, CancellationToken cancellationToken)
    {
        foreach (var publisher in publishers.Enabled)
        {
            await publisher.Sink.WriteAsync(batch, cancellationToken);
        }
    }
}
