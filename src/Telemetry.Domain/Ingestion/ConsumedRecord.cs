namespace Telemetry.Domain.Ingestion;

/// <summary>
/// One Kafka record as every host sees it, whether it came from Confluent's consumer or the
/// Functions Kafka trigger's <c>KafkaRecord</c>: the domain decides on these without doing I/O.
/// </summary>
public sealed record ConsumedRecord(
    string Topic,
    int Partition,
    long Offset,
    ReadOnlyMemory<byte> Key,
    ReadOnlyMemory<byte> Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers,
    DateTimeOffset Timestamp)
{
    public static readonly IReadOnlyList<KeyValuePair<string, byte[]>> NoHeaders = [];

    /// <summary>
    /// A Kafka timestamp as a time; one outside what <see cref="DateTimeOffset"/> holds (any producer may set any
    /// 64-bit value) becomes the Unix epoch, as "not available" does, instead of failing the record's whole batch.
    /// </summary>
    public static DateTimeOffset TimestampFromUnixMs(long unixMs) =>
        unixMs is >= MinUnixMs and <= MaxUnixMs ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs) : DateTimeOffset.UnixEpoch;

    private const long MinUnixMs = -62_135_596_800_000;
    private const long MaxUnixMs = 253_402_300_799_999;
}
