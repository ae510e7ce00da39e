using Telemetry.Domain.Ingestion;

namespace Telemetry.Domain.Tests.Acknowledgement;

/// <summary>Builds one partition's records for acknowledgement tests.</summary>
internal static class Records
{
    public const string Topic = "telemetry.ack-tests";

    public static ConsumedRecord At(long offset, int partition = 3) =>
        new(Topic, partition, offset, "k"u8.ToArray(), "v"u8.ToArray(), ConsumedRecord.NoHeaders, DateTimeOffset.UnixEpoch.AddSeconds(offset));

    public static IReadOnlyList<ConsumedRecord> Range(long firstOffset, int count, int partition = 3) =>
        [.. Enumerable.Range(0, count).Select(i => At(firstOffset + i, partition))];

    public static IReadOnlyList<ConsumedRecord> WithGaps(long firstOffset, IReadOnlyList<int> gaps, int count, int partition = 3)
    {
        var records = new List<ConsumedRecord>(count);
        var offset = firstOffset;
        for (var i = 0; i < count; i++)
        {
            records.Add(At(offset, partition));
            offset += gaps[i % gaps.Count];
        }

        return records;
    }
}
