namespace Telemetry.Domain.Aggregation;

/// <summary>
/// A mergeable histogram with logarithmic buckets (the DDSketch layout): bucket i holds values in
/// (γ^(i-1), γ^i] with γ = (1 + α) / (1 − α). Any quantile read from it is within a relative error α
/// of a value that was actually recorded at that rank. Bucket counts are integers, so merging is exactly
/// associative and commutative: partitions, batches and replays combine in any order to the same result.
/// </summary>
public sealed class LogHistogram : IEquatable<LogHistogram>
{
    /// <summary>Relative accuracy of every quantile read from the histogram.</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Magnitudes below this count as zero; it keeps the index range (and memory) bounded.</summary>
    public const double MinMagnitude = 1e-9;

    internal static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly BucketStore _positive = new();
    private readonly BucketStore _negative = new();

    public long ZeroCount { get; private set; }

    public long Count => ZeroCount + _positive.Total + _negative.Total;

    public static int IndexOf(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) / LogGamma);

    /// <summary>The representative value of a bucket: the point that minimises relative error over it.</summary>
    public static double ValueOf(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    public void Record(double value) => Record(value, 1);

    public void Record(double value, long count)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A histogram takes finite values only.");
        }

        if (value > MinMagnitude)
        {
            _positive.Add(IndexOf(value), count);
        }
        else if (value < -MinMagnitude)
        {
            _negative.Add(IndexOf(-value), count);
        }
        else
        {
            ZeroCount += count;
        }
    }

    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ZeroCount += other.ZeroCount;
        _positive.Merge(other._positive);
        _negative.Merge(other._negative);
    }

    /// <summary>Empties the histogram, keeping its bucket arrays (pooled aggregates reuse them).</summary>
    internal void Reset()
    {
        ZeroCount = 0;
        _positive.Reset();
        _negative.Reset();
    }

    public LogHistogram Clone()
    {
        var copy = new LogHistogram();
        copy.Merge(this);
        return copy;
    }

    /// <summary>Bucket counts in ascending value order: negative buckets (index, count) negated first.</summary>
    public IEnumerable<(int Index, long Count)> PositiveBuckets => _positive.Buckets();

    public IEnumerable<(int Index, long Count)> NegativeBuckets => _negative.Buckets();

    public void AddPositiveBucket(int index, long count) => _positive.Add(index, count);

    public void AddNegativeBucket(int index, long count) => _negative.Add(index, count);

    public void AddZeroCount(long count) => ZeroCount += count;

    /// <summary>The value at quantile q (0..1), or NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (q is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q));
        }

        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        // Rank of the wanted value, 0-based, the "lower" definition used by DDSketch.
        var rank = (long)Math.Floor(q * (total - 1));
        var seen = 0L;
        foreach (var (index, count) in _negative.BucketsDescending())
        {
            seen += count;
            if (seen > rank)
            {
                return -ValueOf(index);
            }
        }

        seen += ZeroCount;
        if (seen > rank)
        {
            return 0;
        }

        foreach (var (index, count) in _positive.Buckets())
        {
            seen += count;
            if (seen > rank)
            {
                return ValueOf(index);
            }
        }

        return ValueOf(_positive.MaxIndex);
    }

    public bool Equals(LogHistogram? other) =>
        other is not null && ZeroCount == other.ZeroCount && _positive.Equals(other._positive) && _negative.Equals(other._negative);

    public override bool Equals(object? obj) => Equals(obj as LogHistogram);

    public override int GetHashCode() => HashCode.Combine(ZeroCount, _positive.Total, _negative.Total);

    /// <summary>Dense counts over a sliding index range; grows on demand, so steady state allocates nothing.</summary>
    private sealed class BucketStore : IEquatable<BucketStore>
    {
        private long[] _counts = [];
        private int _offset;

        public long Total { get; private set; }

        public int MaxIndex
        {
            get
            {
                for (var i = _counts.Length - 1; i >= 0; i--)
                {
                    if (_counts[i] != 0)
                    {
                        return i + _offset;
                    }
                }

                return 0;
            }
        }

        public void Reset()
        {
            Array.Clear(_counts);
            Total = 0;
        }

        public void Add(int index, long count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            if (count == 0)
            {
                return;
            }

            EnsureRange(index);
            _counts[index - _offset] += count;
            Total += count;
        }

        public void Merge(BucketStore other)
        {
            for (var i = 0; i < other._counts.Length; i++)
            {
                if (other._counts[i] != 0)
                {
                    Add(i + other._offset, other._counts[i]);
                }
            }
        }

        public IEnumerable<(int Index, long Count)> Buckets()
        {
            for (var i = 0; i < _counts.Length; i++)
            {
                if (_counts[i] != 0)
                {
                    yield return (i + _offset, _counts[i]);
                }
            }
        }

        public IEnumerable<(int Index, long Count)> BucketsDescending()
        {
            for (var i = _counts.Length - 1; i >= 0; i--)
            {
                if (_counts[i] != 0)
                {
                    yield return (i + _offset, _counts[i]);
                }
            }
        }

        public bool Equals(BucketStore? other)
        {
            if (other is null || Total != other.Total)
            {
                return false;
            }

            return Buckets().SequenceEqual(other.Buckets());
        }

        public override bool Equals(object? obj) => Equals(obj as BucketStore);

        public override int GetHashCode() => Total.GetHashCode();

        private void EnsureRange(int index)
        {
            if (_counts.Length == 0)
            {
                _counts = new long[16];
                _offset = index - 8;
                return;
            }

            if (index >= _offset && index < _offset + _counts.Length)
            {
                return;
            }

            var low = Math.Min(_offset, index);
            var high = Math.Max(_offset + _counts.Length - 1, index);
            // Grow with slack on both sides so a drifting distribution does not reallocate per value.
            var length = Math.Max(high - low + 1, _counts.Length * 2);
            var newOffset = index < _offset ? high - length + 1 : low;
            var grown = new long[length];
            Array.Copy(_counts, 0, grown, _offset - newOffset, _counts.Length);
            _counts = grown;
            _offset = newOffset;
        }
    }
}
