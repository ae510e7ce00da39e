using Confluent.Kafka;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// Turns the fields of one record delivered by the Azure Functions Kafka trigger (<c>KafkaRecord</c>) into the
/// <see cref="ConsumedRecord"/> the domain works on. It takes primitives so that the Functions app, which cannot
/// be built everywhere, only unpacks the binding type, and every rule lives here where it is tested.
/// </summary>
/// <remarks>
/// What extension 4.3.x really delivers, read from its source (Azure/azure-functions-kafka-extension, tag 4.3.2,
/// <c>Serialization/KafkaRecordProtobufSerializer.cs</c>; the worker half unpacks it in
/// Azure/azure-functions-dotnet-worker <c>extensions/Worker.Extensions.Kafka/src/KafkaRecordConverter.cs</c>):
/// <list type="bullet">
/// <item>the timestamp's type is always <see cref="TimestampType.NotAvailable"/> (the host's <c>IKafkaEventData</c>
/// keeps only a <c>DateTime</c>), while its milliseconds are the record's real create or log-append time. So the
/// milliseconds are used whatever the type says; only a record that truly has no timestamp (no positive
/// milliseconds and no known type) becomes the Unix epoch, as Confluent's <c>Timestamp.Default</c> does;</item>
/// <item>the key is the raw bytes only when the trigger sets <c>KeyDataType = Binary</c>; by default the host decodes
/// it as UTF-8 and encodes it back, which replaces every invalid sequence with U+FFFD. The key given here is
/// wrapped as is, so with <c>Binary</c> a dead letter carries the producer's key byte for byte;</item>
/// <item>a null key or value (a tombstone, or a record produced without a key) becomes empty memory: the domain
/// already treats an empty value as undecodable and dead-letters it with a reason;</item>
/// <item>headers keep their order and duplicates (Kafka allows both); a null header value becomes an empty array.</item>
/// </list>
/// The rules otherwise match what the standalone consumer gives the domain for the same record, so a record
/// processed by either host lands in the ledger the same way. The byte arrays are wrapped, not copied: the
/// trigger hands each invocation its own arrays.
/// </remarks>
public static class TriggerRecordMapper
{
    public static ConsumedRecord Map(
        string topic,
        int partition,
        long offset,
        byte[]? key,
        byte[]? value,
        long timestampUnixMs,
        TimestampType timestampType,
        IReadOnlyList<(string Key, byte[]? Value)>? headers)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw new ArgumentException("A triggered Kafka record has no topic.", nameof(topic));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        return new ConsumedRecord(
            topic,
            partition,
            offset,
            key ?? ReadOnlyMemory<byte>.Empty,
            value ?? ReadOnlyMemory<byte>.Empty,
            MapHeaders(headers),
            MapTimestamp(timestampUnixMs, timestampType));
    }

    private static DateTimeOffset MapTimestamp(long unixMs, TimestampType type) =>
        type is TimestampType.CreateTime or TimestampType.LogAppendTime || unixMs > 0
            ? ConsumedRecord.TimestampFromUnixMs(unixMs)
            : DateTimeOffset.UnixEpoch;

    private static IReadOnlyList<KeyValuePair<string, byte[]>> MapHeaders(IReadOnlyList<(string Key, byte[]? Value)>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return ConsumedRecord.NoHeaders;
        }

        var mapped = new KeyValuePair<string, byte[]>[headers.Count];
        for (var i = 0; i < headers.Count; i++)
        {
            var (key, value) = headers[i];
            mapped[i] = new KeyValuePair<string, byte[]>(key ?? string.Empty, value ?? []);
        }

        return mapped;
    }
}
