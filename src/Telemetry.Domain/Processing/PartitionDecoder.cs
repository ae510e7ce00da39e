using Telemetry.Domain.Aggregation;
using Telemetry.Domain.Catalog;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Processing;

/// <summary>
/// Decodes, validates and aggregates the telemetry records of ONE Kafka partition, batch by batch.
/// <para>
/// A host keeps one instance per assigned partition (it is not thread-safe) and for each batch:
/// <list type="number">
/// <item><see cref="Decode"/> the batch's records, in offset order;</item>
/// <item>sends every <see cref="RecordOutcome.IsMalformed"/> record to the DLQ at once;</item>
/// <item><see cref="TelemetryBatch.Exclude"/>s any other record it dead-letters or gives up on;</item>
/// <item>calls <see cref="TelemetryBatch.Finalise"/> for the offsets it is about to commit and hands the result to its
/// <see cref="IAggregateSink"/>s before committing.</item>
/// </list>
/// The standalone host and the Functions host both do so, each through its own batch processor.
/// The decoder reuses its buffers, so steady-state decoding allocates nothing per record; the flip side is that a
/// batch (and the aggregates finalised from it) is valid only until the next <see cref="Decode"/> call.
/// </para>
/// </summary>
public sealed class PartitionDecoder
{
    private readonly IngestionOptions _options;
    private readonly TelemetryCatalog _catalog;
    private readonly DecodedEvent _event = new();
    private readonly DecodedEvent _captureEvent = new();
    private readonly SeriesAdmission _admission;
    private readonly GenericEventRegistry _generic;
    private readonly int[] _latenessSeries = new int[Enum.GetValues<TelemetryFamily>().Length];
    private readonly long _allowedLatenessMs;
    private readonly long _maxEventAgeMs;
    private readonly bool _reuseAggregates;

    // Replaced together by Compact: series ids, interned values and cached event names only mean something together.
    private DimensionValuePool _pool = new();
    private EnvelopeDecoder _decoder;
    private SeriesRegistry _registry = new();
    private MinuteAggregator _aggregator;
    private int _liveAfterCompaction;
    private long _compactedAtHorizon = long.MinValue;

    private RecordEntry[] _records = new RecordEntry[256];
    private RecordOutcome[] _outcomes = new RecordOutcome[256];
    private ObservationEntry[] _observations = new ObservationEntry[1024];
    private int _recordCount;
    private int _observationCount;
    private int _generation;
    private long _maxEventTimeMs = long.MinValue;
    private IReadOnlyList<ConsumedRecord> _source = [];

    /// <param name="topic">The partition's topic.</param>
    /// <param name="partition">The partition number.</param>
    /// <param name="options">Validated <c>Ingestion</c> settings.</param>
    /// <param name="catalog">The event catalog; <see cref="TelemetryCatalog.Default"/> when null.</param>
    /// <param name="reuseAggregates">
    /// Refill the <see cref="MinuteAggregate"/> objects of earlier batches instead of allocating new ones, so steady state
    /// allocates nothing at all. Only for hosts whose sinks finish with (or copy) the aggregates before the next
    /// <see cref="Decode"/>; by default every finalised batch gets its own objects.
    /// </param>
    public PartitionDecoder(string topic, int partition, IngestionOptions options, TelemetryCatalog? catalog = null, bool reuseAggregates = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(options);
        IngestionOptionsValidator.ThrowIfInvalid(options);
        Topic = topic;
        Partition = partition;
        _options = options;
        _catalog = catalog ?? TelemetryCatalog.Default;
        _generic = new GenericEventRegistry(_catalog, options.MaxUnknownEvents);
        _decoder = new EnvelopeDecoder(_catalog, options, _pool, _generic);
        _admission = new SeriesAdmission(options.MaxSeriesPerMetric);
        _allowedLatenessMs = options.AllowedLatenessSeconds * 1000L;
        _maxEventAgeMs = options.MaxEventAgeDays * 86_400_000L;
        _reuseAggregates = reuseAggregates;
        _aggregator = new MinuteAggregator(reuseAggregates);
        Array.Fill(_latenessSeries, -1);
    }

    /// <summary>
    /// Interned entries (dimension values, value tuples, unknown events) that may pile up before a compaction is worth
    /// its cost, on top of twice what the last one kept. Internal so tests can flood with fewer records.
    /// </summary>
    internal int CompactionSlack { get; set; } = 16_384;

    /// <summary>Off only in the flood benchmark, to measure the state kept without compaction in the same run.</summary>
    internal bool Compacts { get; set; } = true;

    /// <summary>Series registered (admitted, overflow and lateness series).</summary>
    internal int SeriesCount => _registry.Count;

    /// <summary>Distinct dimension-value tuples registered, admitted or not.</summary>
    internal int TupleCount => _registry.TupleCount;

    /// <summary>Dimension values interned.</summary>
    internal int PooledValueCount => _pool.Count;

    /// <summary>Unknown event names registered.</summary>
    internal int UnknownEventCount => _generic.Count;

    /// <summary>(window, series) admissions remembered by the cardinality cap.</summary>
    internal int AdmissionCount => _admission.AdmittedCount;

    /// <summary>How many times the interned state was compacted.</summary>
    internal int Compactions { get; private set; }

    public string Topic { get; }

    public int Partition { get; }

    public TelemetryCatalog Catalog => _catalog;

    /// <summary>
    /// Decodes and validates every record, and records its observations for aggregation. Records must belong to
    /// this decoder's topic and partition and come in ascending offset order. Invalidates the previous batch.
    /// </summary>
    public TelemetryBatch Decode(IReadOnlyList<ConsumedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        CompactIfWorthIt();
        _generation++;
        _recordCount = 0;
        _observationCount = 0;
        _source = records;
        EnsureRecordCapacity(records.Count);
        var stats = default(TelemetryBatch.Statistics);
        var previousOffset = long.MinValue;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (!string.Equals(record.Topic, Topic, StringComparison.Ordinal) || record.Partition != Partition)
            {
                throw new ArgumentException($"Record {record.Topic}/{record.Partition}/{record.Offset} does not belong to {Topic}/{Partition}.", nameof(records));
            }

            if (record.Offset <= previousOffset)
            {
                throw new ArgumentException($"Offsets must ascend: {record.Offset} follows {previousOffset}.", nameof(records));
            }

            previousOffset = record.Offset;
            DecodeOneGuarded(record, ref stats);
        }

        var newestMinute = MinuteAggregator.MinuteOf(_maxEventTimeMs == long.MinValue ? 0 : _maxEventTimeMs);
        if (_admission.Prune(newestMinute))
        {
            _aggregator.Prune(newestMinute - SeriesAdmission.RetainedMinutes);
        }

        return new TelemetryBatch(this, _generation, stats);
    }

    /// <summary>
    /// No single record may stall its partition: whatever a record makes the decoder or the aggregation path throw,
    /// that record alone is refused as <see cref="EnvelopeError.DecoderFault"/> (and so dead-lettered) and the batch goes
    /// on. The message names the exception's type only; an exception's message could quote the payload.
    /// </summary>
    private void DecodeOneGuarded(ConsumedRecord record, ref TelemetryBatch.Statistics stats)
    {
        var index = _recordCount;
        var observationStart = _observationCount;
        var before = stats;
        try
        {
            DecodeOne(record, ref stats);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _recordCount = index + 1;
            _observationCount = observationStart;
            stats = before;
            stats.Malformed++;
            _outcomes[index] = new RecordOutcome(record.Offset, EnvelopeError.DecoderFault, DecoderFaultMessage(ex));
            _records[index] = new RecordEntry { Offset = record.Offset, ObservationStart = observationStart, Counted = false };
        }
    }

    /// <summary>The bounded <c>x-error-message</c> of a record whose handling threw: the exception's type, never its message.</summary>
    public static string DecoderFaultMessage(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return $"Handling this record threw {exception.GetType().FullName}; it was dead-lettered so its partition goes on.";
    }

    private void DecodeOne(ConsumedRecord record, ref TelemetryBatch.Statistics stats)
    {
        var index = _recordCount++;
        var e = _event;
        var recordTimestampMs = record.Timestamp.ToUnixTimeMilliseconds();
        var error = _decoder.Decode(record.Value.Span, recordTimestampMs, e);
        var message = e.ErrorMessage;
        if (error == EnvelopeError.None && recordTimestampMs > 0 && e.TimeUnixMs < recordTimestampMs - _maxEventAgeMs)
        {
            // Checked against the record's timestamp, not the clock, so a redelivery gets the same verdict.
            error = EnvelopeError.TooOld;
            message = $"time is more than {_options.MaxEventAgeDays} days before the record's timestamp (Ingestion:MaxEventAgeDays).";
        }

        _outcomes[index] = new RecordOutcome(record.Offset, error, message);
        ref var entry = ref _records[index];
        entry = new RecordEntry { Offset = record.Offset, ObservationStart = _observationCount, Counted = error == EnvelopeError.None };
        if (error != EnvelopeError.None)
        {
            stats.Malformed++;
            return;
        }

        var minute = MinuteAggregator.MinuteOf(e.TimeUnixMs);
        entry.Minute = minute;
        EnsureObservationCapacity(e.ObservationCount + 1);
        int[]? lastSlots = null;
        int lastKeySet = -1, tuple = -1;
        for (var i = 0; i < e.ObservationCount; i++)
        {
            ref readonly var o = ref e.Observations[i];
            var keySet = _registry.KeySetOf(o.Metric);
            if (keySet != lastKeySet || !ReferenceEquals(o.Slots, lastSlots))
            {
                tuple = _registry.Tuple(keySet, o.Slots, e.Dimensions);
                (lastKeySet, lastSlots) = (keySet, o.Slots);
            }

            var series = Resolve(o.Metric, tuple, minute, ref stats);
            _observations[_observationCount++] = new ObservationEntry(series, o.Micros);
        }

        if (e.TimeUnixMs > _maxEventTimeMs)
        {
            _maxEventTimeMs = e.TimeUnixMs;
        }
        else if (e.TimeUnixMs < _maxEventTimeMs - _allowedLatenessMs)
        {
            // Late: it still counts in its own minute (sinks merge into that window); its lateness is recorded there too.
            stats.Late++;
            _observations[_observationCount++] = new ObservationEntry(LatenessSeries(e.Definition!.Family), checked((_maxEventTimeMs - e.TimeUnixMs) * 1_000_000L));
        }

        entry.ObservationCount = _observationCount - entry.ObservationStart;
        for (var i = 0; i < e.NotableCount; i++)
        {
            entry.NotableKinds |= (ushort)(1 << (int)e.NotableKinds[i]);
        }
    }

    /// <summary>
    /// Drops what only closed windows or refused series still reference: tuples and values the cap never admitted,
    /// series admitted only in windows older than the allowed lateness, unknown events with no live series. Without it a
    /// flood of distinct values fills the value pool for good and every later new value reads <c>_other</c> until restart.
    /// Runs between batches (the previous batch is invalid from here on anyway), when the interned state has grown to
    /// twice what the last compaction kept plus <see cref="CompactionSlack"/> (amortised O(1) per entry), or when a
    /// window has closed since the last compaction and either the pool or the unknown-event registry is full or the
    /// closed windows hold a sixteenth of the slack in admitted series.
    /// </summary>
    private void CompactIfWorthIt()
    {
        if (_maxEventTimeMs == long.MinValue || !Compacts)
        {
            return;
        }

        var openMinute = MinuteAggregator.MinuteOf(_maxEventTimeMs - _allowedLatenessMs);
        var size = _pool.Count + _registry.TupleCount + _generic.Count;
        var grown = size >= (2L * _liveAfterCompaction) + CompactionSlack;
        var closed = openMinute > _compactedAtHorizon
            && ((_pool.Count >= DimensionValuePool.Capacity || (_options.MaxUnknownEvents > 0 && _generic.IsFull))
                || _admission.AdmittedBefore(openMinute) >= Math.Max(CompactionSlack / 16, 1));
        if (grown || closed)
        {
            Compact(openMinute);
        }
    }

    private void Compact(long openMinute)
    {
        var old = _registry;
        var live = _admission.AdmittedSince(openMinute).Order().ToList();
        var liveMetrics = live.Select(old.MetricOf).ToHashSet();
        _generic.Retain(liveMetrics.Contains);

        var pool = new DimensionValuePool();
        var registry = new SeriesRegistry();
        var newIds = new Dictionary<int, int>(live.Count);
        foreach (var id in live)
        {
            newIds[id] = registry.Adopt(old, id, pool.Adopt);
        }

        _admission.Compact(openMinute, newIds, _generic.IsCurrent);
        _pool = pool;
        _registry = registry;
        _decoder = new EnvelopeDecoder(_catalog, _options, pool, _generic);
        _aggregator = new MinuteAggregator(_reuseAggregates);
        Array.Fill(_latenessSeries, -1);
        _liveAfterCompaction = pool.Count + registry.TupleCount + _generic.Count;
        _compactedAtHorizon = openMinute;
        Compactions++;
    }

    private int Resolve(MetricDefinition metric, int tuple, long minute, ref TelemetryBatch.Statistics stats)
    {
        var id = tuple < 0 ? -1 : _registry.Find(metric, tuple);
        if (id < 0 && tuple >= 0)
        {
            id = _admission.IsFull(metric.Id, minute) ? -1 : _registry.Add(metric, tuple);
        }

        if (id >= 0 && _admission.TryAdmit(id, metric.Id, minute))
        {
            return id;
        }

        stats.Overflowed++;
        return _registry.Overflow(metric);
    }

    private int LatenessSeries(TelemetryFamily family)
    {
        ref var id = ref _latenessSeries[(int)family];
        if (id < 0)
        {
            var lateness = _catalog.LatenessMetric;
            var tuple = _registry.Tuple(_registry.KeySetOf(lateness), [0], [family.ToString()]);
            id = _registry.Find(lateness, tuple);
            if (id < 0)
            {
                id = _registry.Add(lateness, tuple);
            }
        }

        return id;
    }

    private void EnsureRecordCapacity(int count)
    {
        if (_records.Length < count)
        {
            var size = Math.Max(count, _records.Length * 2);
            _records = new RecordEntry[size];
            _outcomes = new RecordOutcome[size];
        }
    }

    private void EnsureObservationCapacity(int more)
    {
        if (_observationCount + more > _observations.Length)
        {
            Array.Resize(ref _observations, Math.Max(_observationCount + more, _observations.Length * 2));
        }
    }

    internal void EnsureCurrent(int generation)
    {
        if (generation != _generation)
        {
            throw new InvalidOperationException(
                $"This batch of {Topic}/{Partition} was superseded by a later Decode call; finish a batch (sinks, commit) before decoding the next.");
        }
    }

    internal ReadOnlySpan<RecordOutcome> Outcomes => _outcomes.AsSpan(0, _recordCount);

    internal Span<RecordEntry> Records => _records.AsSpan(0, _recordCount);

    internal IReadOnlyList<MinuteAggregate> Aggregate(long afterOffset, long throughOffset)
    {
        var aggregator = _aggregator;
        aggregator.Begin(_registry, _generation);
        foreach (ref readonly var r in Records)
        {
            if (r.Counted && r.Offset > afterOffset && r.Offset <= throughOffset)
            {
                for (var i = r.ObservationStart; i < r.ObservationStart + r.ObservationCount; i++)
                {
                    aggregator.Add(r.Minute, _observations[i].Series, _observations[i].Micros);
                }
            }
        }

        return aggregator.ToAggregates();
    }

    internal IReadOnlyList<NotableEvent> Notables(long afterOffset, long throughOffset)
    {
        var result = new List<NotableEvent>();
        var records = Records;
        for (var index = 0; index < records.Length; index++)
        {
            ref readonly var r = ref records[index];
            if (!r.Counted || r.NotableKinds == 0 || r.Offset <= afterOffset || r.Offset > throughOffset)
            {
                continue;
            }

            // Notable events are rare: re-decode the record with capture instead of keeping attributes for all.
            var source = _source[index];
            var e = _captureEvent;
            if (!TryCapture(source, e))
            {
                continue;
            }

            var attributes = EnvelopeDecoder.NotableAttributes(e);
            var origin = $"{source.Topic}/{source.Partition}/{source.Offset}";
            var time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeUnixMs);
            foreach (var kind in Enum.GetValues<NotableEventKind>())
            {
                if ((r.NotableKinds & (1 << (int)kind)) != 0)
                {
                    result.Add(new NotableEvent(kind, time, e.Definition!.Name, origin, e.Reason, e.DurationMs, attributes));
                }
            }
        }

        return result;
    }

    private bool TryCapture(ConsumedRecord source, DecodedEvent e)
    {
        try
        {
            return _decoder.Decode(source.Value.Span, source.Timestamp.ToUnixTimeMilliseconds(), e, capture: true) == EnvelopeError.None;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The record is counted already (its plain decode succeeded); only its notable event is lost, never the batch.
            return false;
        }
    }

    internal struct RecordEntry
    {
        public long Offset;
        public long Minute;
        public int ObservationStart;
        public int ObservationCount;
        public bool Counted;
        public ushort NotableKinds;
    }

    internal readonly record struct ObservationEntry(int Series, long Micros);
}
