using Telemetry.Domain.Aggregation;

namespace Telemetry.Domain.Processing;

/// <summary>
/// One decoded batch of one partition: a result per record, and the observations to aggregate for the
/// records a host finalises. Valid until the decoder's next <see cref="PartitionDecoder.Decode"/>.
/// </summary>
public sealed class TelemetryBatch
{
    private readonly PartitionDecoder _decoder;
    private readonly int _generation;
    private readonly Statistics _statistics;

    internal TelemetryBatch(PartitionDecoder decoder, int generation, Statistics statistics)
    {
        _decoder = decoder;
        _generation = generation;
        _statistics = statistics;
    }

    public string Topic => _decoder.Topic;

    public int Partition => _decoder.Partition;

    /// <summary>One result per record, in the order given to <see cref="PartitionDecoder.Decode"/>.</summary>
    public IReadOnlyList<RecordOutcome> Outcomes
    {
        get
        {
            _decoder.EnsureCurrent(_generation);
            return _decoder.Outcomes.ToArray();
        }
    }

    public int Count
    {
        get
        {
            _decoder.EnsureCurrent(_generation);
            return _decoder.Outcomes.Length;
        }
    }

    /// <summary>The result of the i-th record (no copy, unlike <see cref="Outcomes"/>).</summary>
    public RecordOutcome this[int index]
    {
        get
        {
            _decoder.EnsureCurrent(_generation);
            return _decoder.Outcomes[index];
        }
    }

    /// <summary>Records refused by the decoder (to the DLQ, never counted).</summary>
    public int MalformedCount => _statistics.Malformed;

    /// <summary>Valid records whose event time was further behind the newest seen than <c>Ingestion:AllowedLatenessSeconds</c>.</summary>
    public int LateCount => _statistics.Late;

    /// <summary>Observations folded into an <c>otel.metric.overflow=true</c> series by the per-metric cap.</summary>
    public int OverflowCount => _statistics.Overflowed;

    /// <summary>
    /// Stops a record from being counted: one the host dead-lettered or otherwise will not process.
    /// Malformed records are never counted and need no call. Returns false if the offset is not in the batch.
    /// </summary>
    public bool Exclude(long offset)
    {
        _decoder.EnsureCurrent(_generation);
        var records = _decoder.Records;
        int lo = 0, hi = records.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (records[mid].Offset == offset)
            {
                records[mid].Counted = false;
                return true;
            }

            if (records[mid].Offset < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    /// <summary>
    /// The aggregates and notable events of the counted records with offsets in (<paramref name="afterOffset"/>,
    /// <paramref name="throughOffset"/>]: what the host hands its sinks before committing <paramref name="throughOffset"/> + 1.
    /// </summary>
    public IPartitionBatchAggregates Finalise(long afterOffset, long throughOffset)
    {
        _decoder.EnsureCurrent(_generation);
        ArgumentOutOfRangeException.ThrowIfLessThan(throughOffset, afterOffset);
        return new PartitionBatchAggregates(_decoder, _generation, afterOffset, throughOffset);
    }

    internal struct Statistics
    {
        public int Malformed;
        public int Late;
        public int Overflowed;
    }
}
