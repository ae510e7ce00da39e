using Telemetry.Domain.Aggregation;

namespace Telemetry.Domain.Processing;

/// <summary>Aggregates of a finalised offset range, computed when first asked for and then kept.</summary>
internal sealed class PartitionBatchAggregates : IPartitionBatchAggregates
{
    private readonly TelemetryPartitionProcessor _processor;
    private readonly int _generation;
    private IReadOnlyList<MinuteAggregate>? _aggregates;
    private IReadOnlyList<NotableEvent>? _notables;

    public PartitionBatchAggregates(TelemetryPartitionProcessor processor, int generation, long afterOffset, long throughOffset)
    {
        _processor = processor;
        _generation = generation;
        AfterOffset = afterOffset;
        ThroughOffset = throughOffset;
    }

    public string Topic => _processor.Topic;

    public int Partition => _processor.Partition;

    public long AfterOffset { get; }

    public long ThroughOffset { get; }

    public IReadOnlyList<MinuteAggregate> Aggregates => _aggregates ??= AggregatesAfter(AfterOffset);

    public IReadOnlyList<NotableEvent> NotableEvents
    {
        get
        {
            if (_notables is null)
            {
                _processor.EnsureCurrent(_generation);
                _notables = _processor.Notables(AfterOffset, ThroughOffset);
            }

            return _notables;
        }
    }

    public IReadOnlyList<MinuteAggregate> AggregatesAfter(long offsetExclusive)
    {
        if (offsetExclusive <= AfterOffset && _aggregates is not null)
        {
            return _aggregates;
        }

        _processor.EnsureCurrent(_generation);
        return _processor.Aggregate(Math.Max(offsetExclusive, AfterOffset), ThroughOffset);
    }
}
