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
}
