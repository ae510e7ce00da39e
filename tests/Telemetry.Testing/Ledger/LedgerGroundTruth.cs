using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Queries;

namespace Telemetry.Testing.Ledger;

/// <summary>
/// What the ledger must contain, computed independently of the processing pipeline: feed it every produced
/// measurement (series, event time, value) once, straight from the producer side, then compare it with the
/// ledger's minute rows. The comparison is exact on count, micro-unit sum, min, max and every histogram bucket,
/// so a single event counted twice or lost anywhere shows up. Used by the ledger tests and the crash suite.
/// </summary>
public sealed class LedgerGroundTruth
{
    private readonly Dictionary<(MetricSeries Series, DateTimeOffset Window), Distribution> _windows = [];

    public int WindowCount => _windows.Count;

    public long EventCount => _windows.Values.Sum(d => d.Count);

    public IReadOnlyDictionary<(MetricSeries Series, DateTimeOffset Window), Distribution> Windows => _windows;

    /// <summary>Records one measurement in the minute window of <paramref name="eventTime"/>.</summary>
    public void Record(MetricSeries series, DateTimeOffset eventTime, double value) => RecordMicros(series, eventTime, Distribution.ToMicros(value));

    /// <summary>Records one measurement already in micro-units (exact for values a double cannot carry to the micro-unit).</summary>
    public void RecordMicros(MetricSeries series, DateTimeOffset eventTime, long micros)
    {
        ArgumentNullException.ThrowIfNull(series);
        var window = new DateTimeOffset(eventTime.UtcTicks - (eventTime.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        if (!_windows.TryGetValue((series, window), out var d))
        {
            d = new Distribution();
            _windows[(series, window)] = d;
        }

        d.RecordMicros(micros);
    }

    /// <summary>Adds an aggregate computed independently (for example by a separate processor over the whole log).</summary>
    public void Add(MinuteAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var window = new DateTimeOffset(aggregate.WindowStart.UtcTicks - (aggregate.WindowStart.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        if (!_windows.TryGetValue((aggregate.Series, window), out var d))
        {
            d = new Distribution();
            _windows[(aggregate.Series, window)] = d;
        }

        d.Merge(aggregate.Distribution);
    }

    /// <summary>Compares with aggregates read from the ledger (for example <see cref="LedgerQueries.ReadMinuteAggregatesAsync"/>).</summary>
    public LedgerComparison CompareWith(IEnumerable<MinuteAggregate> ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var differences = new List<string>();
        var seen = new HashSet<(MetricSeries, DateTimeOffset)>();
        foreach (var row in ledger)
        {
            var key = (row.Series, row.WindowStart);
            if (!seen.Add(key))
            {
                differences.Add($"{row.Series} @ {row.WindowStart:O}: appears twice in the ledger read");
                continue;
            }

            if (!_windows.TryGetValue(key, out var expected))
            {
                differences.Add($"{row.Series} @ {row.WindowStart:O}: in the ledger (count {row.Distribution.Count}) but not in ground truth");
                continue;
            }

            Describe(differences, row.Series, row.WindowStart, expected, row.Distribution);
        }

        foreach (var ((series, window), expected) in _windows)
        {
            if (!seen.Contains((series, window)))
            {
                differences.Add($"{series} @ {window:O}: missing from the ledger (expected count {expected.Count})");
            }
        }

        return new LedgerComparison(differences, _windows.Count);
    }

    /// <summary>Reads every minute aggregate in [from, to) through the ledger's public query API and compares.</summary>
    public async Task<LedgerComparison> CompareWithLedgerAsync(LedgerQueries queries, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return CompareWith(await queries.ReadMinuteAggregatesAsync(from, to, metric: null, cancellationToken));
    }

    private static void Describe(List<string> differences, MetricSeries series, DateTimeOffset window, Distribution expected, Distribution actual)
    {
        if (expected.Equals(actual))
        {
            return;
        }

        var parts = new List<string>();
        if (expected.Count != actual.Count)
        {
            parts.Add($"count {actual.Count} != {expected.Count}");
        }

        if (expected.SumMicros != actual.SumMicros)
        {
            parts.Add($"sum(µ) {actual.SumMicros} != {expected.SumMicros}");
        }

        if (expected.MinMicros != actual.MinMicros)
        {
            parts.Add($"min(µ) {actual.MinMicros} != {expected.MinMicros}");
        }

        if (expected.MaxMicros != actual.MaxMicros)
        {
            parts.Add($"max(µ) {actual.MaxMicros} != {expected.MaxMicros}");
        }

        if (!expected.Histogram.Equals(actual.Histogram))
        {
            parts.Add("histogram buckets differ");
        }

        differences.Add($"{series} @ {window:O}: {string.Join(", ", parts)}");
    }
}
