using Telemetry.Domain.Aggregation;

namespace Telemetry.Ledger.Storage;

/// <summary>
/// A compact, exact binary form of <see cref="LogHistogram"/>: a version byte, the zero count, then the positive and
/// the negative buckets as (index delta zig-zag varint, count varint) pairs. A typical latency histogram
/// takes a few hundred bytes, so one binary property holds it.
/// </summary>
internal static class HistogramCodec
{
    private const byte Version = 1;

    public static byte[] Encode(LogHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var buffer = new List<byte>(64) { Version };
        WriteVarint(buffer, (ulong)histogram.ZeroCount);
        WriteBuckets(buffer, histogram.PositiveBuckets.ToList());
        WriteBuckets(buffer, histogram.NegativeBuckets.ToList());
        return [.. buffer];
    }

    public static LogHistogram Decode(ReadOnlySpan<byte> data)
    {
        var histogram = new LogHistogram();
        if (data.IsEmpty)
        {
            return histogram;
        }

        if (data[0] != Version)
        {
            throw new InvalidDataException($"Unknown histogram encoding version {data[0]}.");
        }

        var position = 1;
        histogram.AddZeroCount((long)ReadVarint(data, ref position));
        ReadBuckets(data, ref position, histogram.AddPositiveBucket);
        ReadBuckets(data, ref position, histogram.AddNegativeBucket);
        if (position != data.Length)
        {
            throw new InvalidDataException("Trailing bytes after the histogram.");
        }

        return histogram;
    }

    private static void WriteBuckets(List<byte> buffer, List<(int Index, long Count)> buckets)
    {
        WriteVarint(buffer, (ulong)buckets.Count);
        var previous = 0;
        foreach (var (index, count) in buckets)
        {
            var delta = (long)index - previous;
            WriteVarint(buffer, (ulong)((delta << 1) ^ (delta >> 63)));
            WriteVarint(buffer, (ulong)count);
            previous = index;
        }
    }

    private static void ReadBuckets(ReadOnlySpan<byte> data, ref int position, Action<int, long> add)
    {
        var n = ReadVarint(data, ref position);
        var index = 0L;
        for (var i = 0UL; i < n; i++)
        {
            var zigzag = ReadVarint(data, ref position);
            index += (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            add(checked((int)index), (long)ReadVarint(data, ref position));
        }
    }

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }

        buffer.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("Truncated histogram.");
            }

            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed varint in histogram.");
    }
}
