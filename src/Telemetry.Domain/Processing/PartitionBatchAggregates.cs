using Telemetry.Domain.Aggregation;

namespace Telemetry.Domain.Processing;

/// <summary>Aggregates of a finalised offset range, computed when first asked for and then kept.</summary>
internal sealed class PartitionBatchAggregates : IPartitionBatchAggregates
{
    private readonly PartitionDecoder _decoder;
    private readonly int _generation;
    private IReadOnlyList<MinuteAggregate>? _aggregates;
    private IReadOnlyList<NotableEvent>? _notables;

    public PartitionBatchAggregates(PartitionDecoder decoder, int generation, long afterOffset, long throughOffset)
    {
        _decoder = decoder;
        _generation = generation;
        AfterOffset = afterOffset;
        ThroughOffset = throughOffset;
    }

    public string Topic => _decoder.Topic;

    public int Partition => _decoder.Partition;

    public long AfterOffset { get; }

    public long ThroughOffset { get; }

    public IReadOnlyList<MinuteAggregate> Aggregates => _aggregates ??= AggregatesAfter(AfterOffset);

    public IReadOnlyList<NotableEvent> NotableEvents
    {
        get
        {
            if (_notables is null)
            {
                _decoder.EnsureCurrent(_generation);
                _notables = _decoder.Notables(AfterOffset, ThroughOffset);
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

        _decoder.EnsureCurrent(_generation);
        return _decoder.Aggregate(Math.Max(offsetExclusive, AfterOffset), ThroughOffset);
    }
}
