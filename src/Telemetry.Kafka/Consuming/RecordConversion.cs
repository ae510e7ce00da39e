using Confluent.Kafka;
using Telemetry.Domain.Ingestion;

namespace Telemetry.Kafka.Consuming;

/// <summary>Confluent's consume result as the domain's host-neutral record; key and value keep their exact bytes.</summary>
internal static class RecordConversion
{
    public static ConsumedRecord ToConsumedRecord(this ConsumeResult<byte[], byte[]> result)
    {
        var message = result.Message;
        IReadOnlyList<KeyValuePair<string, byte[]>> headers = ConsumedRecord.NoHeaders;
        if (message.Headers is { Count: > 0 } hs)
        {
            var list = new KeyValuePair<string, byte[]>[hs.Count];
            for (var i = 0; i < hs.Count; i++)
            {
                list[i] = new KeyValuePair<string, byte[]>(hs[i].Key, hs[i].GetValueBytes() ?? []);
            }

            headers = list;
        }

        return new ConsumedRecord(
            result.Topic,
            result.Partition.Value,
            result.Offset.Value,
            message.Key ?? ReadOnlyMemory<byte>.Empty,
            message.Value ?? ReadOnlyMemory<byte>.Empty,
            headers,
            ConsumedRecord.TimestampFromUnixMs(message.Timestamp.UnixTimestampMs));
    }
}
