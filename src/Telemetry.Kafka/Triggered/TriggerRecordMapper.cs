using Confluent.Kafka;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.Triggered;

/// <summary>
/// Turns the fields of one record delivered by the Azure Functions Kafka trigger (<c>KafkaRecord</c>) into the
/// <see cref="ConsumedRecord"/> the domain works on. It takes primitives so that the Functions app, which cannot
/// be built everywhere, only unpacks the binding type, and every rule lives here where it is tested.
/// </summary>
/// <remarks>
/// The rules match what the standalone consumer gives the domain for the same record, so a record processed
/// by either host lands in the ledger the same way:
/// <list type="bullet">
/// <item>a null key or value (a tombstone, or a record produced without a key) becomes empty memory: the domain
/// already treats an empty value as undecodable and dead-letters it with a reason;</item>
/// <item>a timestamp of type <see cref="TimestampType.NotAvailable"/> becomes the Unix epoch, as Confluent's
/// <c>Timestamp.Default</c> does, whatever milliseconds the trigger carried;</item>
/// <item>headers keep their order and duplicates (Kafka allows both); a null header value becomes an empty array.</item>
/// </list>
/// The byte arrays are wrapped, not copied: the trigger hands each invocation its own arrays.
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

    private static DateTimeOffset MapTimestamp(long unixMs, TimestampType type) => type switch
    {
        TimestampType.CreateTime or TimestampType.LogAppendTime => ConsumedRecord.TimestampFromUnixMs(unixMs),
        _ => DateTimeOffset.UnixEpoch,
    };

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
