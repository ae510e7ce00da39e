namespace Telemetry.Pollers.Lag;

/// <summary>
/// kafka-lag-exporter's method for lag in time: each poll adds (latest offset, time) for a partition; the time at which
/// the broker held the consumer's committed offset is read off this table by linear interpolation between the two
/// samples around it (or extrapolated from the oldest and newest samples when it is older than the table), and the time
/// lag is now minus that time.
/// <para>
/// Needs at least two samples with different offsets; with fewer there is no estimate. The table holds at most
/// <c>capacity</c> samples (<c>Pollers:LagSampleCount</c>), oldest dropped first, so it reaches back
/// <c>capacity × poll interval</c>; a backlog older than that is extrapolated. A run of samples with the same offset is
/// kept as its two ends, so an idle topic does not flush the table.
/// </para>
/// </summary>
internal sealed class OffsetTimeTable
{
    private readonly List<OffsetTimePoint> _points;

    public OffsetTimeTable(int capacity, IEnumerable<OffsetTimePoint>? points = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Capacity = capacity;
        _points = points?.ToList() ?? [];
        while (_points.Count > capacity)
        {
            _points.RemoveAt(0);
        }
    }

    public int Capacity { get; }

    public IReadOnlyList<OffsetTimePoint> Points => _points;

    public void Add(long offset, DateTimeOffset time)
    {
        if (_points.Count > 0)
        {
            var last = _points[^1];
            if (time <= last.Time || offset < last.Offset)
            {
                // Out of order, or the partition was truncated/recreated: a table must be monotonic to interpolate.
                if (offset < last.Offset)
                {
                    _points.Clear();
                    _points.Add(new OffsetTimePoint(offset, time));
                }

                return;
            }

            if (offset == last.Offset && _points.Count > 1 && _points[^2].Offset == offset)
            {
                _points[^1] = new OffsetTimePoint(offset, time);
                return;
            }
        }

        if (_points.Count == Capacity)
        {
            _points.RemoveAt(0);
        }

        _points.Add(new OffsetTimePoint(offset, time));
    }

    /// <summary>Estimated seconds behind for <paramref name="committedOffset"/>, or null when the table cannot tell yet.</summary>
    public double? LagSeconds(long committedOffset, DateTimeOffset now)
    {
        if (_points.Count > 0 && committedOffset >= _points[^1].Offset)
        {
            return 0;
        }

        if (_points.Count < 2)
        {
            return null;
        }

        var (left, right) = (_points[0], _points[^1]);
        for (var i = _points.Count - 1; i > 0; i--)
        {
            if (committedOffset >= _points[i - 1].Offset && committedOffset <= _points[i].Offset)
            {
                (left, right) = (_points[i - 1], _points[i]);
                break;
            }
        }

        var dOffset = right.Offset - left.Offset;
        if (dOffset == 0)
        {
            return null;
        }

        // The time at which the broker's latest offset was committedOffset, on the line through left and right.
        var seconds = (right.Time - left.Time).TotalSeconds;
        var at = right.Time - TimeSpan.FromSeconds((right.Offset - committedOffset) * seconds / dOffset);
        return Math.Max(0, (now - at).TotalSeconds);
    }
}

internal readonly record struct OffsetTimePoint(long Offset, DateTimeOffset Time);
