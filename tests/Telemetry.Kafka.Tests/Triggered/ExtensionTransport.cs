using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Azure.Functions.Worker.Extensions.Kafka.Proto;
using Telemetry.Domain.Ingestion;
using Telemetry.Kafka.Triggered;

namespace Telemetry.Kafka.Tests.Triggered;

/// <summary>
/// A consumed record's way to <see cref="FunctionsBatchProcessor"/> under the Functions Kafka extension 4.3.x, each
/// step transcribed from the extension's source so that tests feed records shaped exactly as they arrive:
/// <list type="number">
/// <item>the host's listener turns the <c>ConsumeResult</c> into a <c>KafkaEventData</c>, keeping the timestamp only
/// as <c>Timestamp.UtcDateTime</c> and the key as the trigger's <c>KeyDataType</c> deserialized it (a UTF-8 string
/// by default, the bytes with <c>Binary</c>): Azure/azure-functions-kafka-extension 4.3.2 <c>KafkaEventData.cs</c>,
/// <c>Serialization/SerializationHelper.cs</c>;</item>
/// <item>the host serializes it for the isolated worker: <c>Serialization/KafkaRecordProtobufSerializer.cs</c>
/// (<see cref="Serialize"/>);</item>
/// <item>the worker parses it into a <c>KafkaRecord</c>: Azure/azure-functions-dotnet-worker
/// <c>extensions/Worker.Extensions.Kafka/src/KafkaRecordConverter.cs</c>, and src/Functions'
/// <c>IngestTelemetryBatch.Unpack</c> hands its fields to <see cref="TriggerRecordMapper"/> (<see cref="Deliver"/>).</item>
/// </list>
/// </summary>
internal static class ExtensionTransport
{
    /// <summary>What the host sends for one record, with the trigger's key type (<c>Binary</c> when <paramref name="binaryKey"/>).</summary>
    public static byte[] Serialize(string topic, int partition, long offset, byte[]? key, byte[]? value, Timestamp timestamp, IReadOnlyList<(string Key, byte[]? Value)> headers, bool binaryKey)
    {
        // KafkaEventData: Timestamp = consumeResult.Message.Timestamp.UtcDateTime; the type is gone from here on.
        var eventTimestamp = timestamp.UtcDateTime;

        // The key as the listener's deserializer gave it: Deserializers.Utf8 for String, ByteArray for Binary.
        object? eventKey = key is null ? null : binaryKey ? key : Encoding.UTF8.GetString(key);

        var proto = new KafkaRecordProto
        {
            Topic = topic,
            Partition = partition,
            Offset = offset,
            Timestamp = new KafkaTimestampProto
            {
                UnixTimestampMs = new DateTimeOffset(eventTimestamp).ToUnixTimeMilliseconds(),
                Type = 0, // NotAvailable — IKafkaEventData doesn't preserve TimestampType (the host's own comment)
            },
        };
        if (eventKey is not null)
        {
            proto.Key = eventKey is byte[] bytes ? ByteString.CopyFrom(bytes) : ByteString.CopyFrom((string)eventKey, Encoding.UTF8);
        }

        if (value is not null)
        {
            proto.Value = ByteString.CopyFrom(value);
        }

        foreach (var (headerKey, headerValue) in headers)
        {
            var header = new KafkaHeaderProto { Key = headerKey ?? string.Empty };
            if (headerValue is not null)
            {
                header.Value = ByteString.CopyFrom(headerValue);
            }

            proto.Headers.Add(header);
        }

        return proto.ToByteArray();
    }

    /// <summary>What the worker makes of the host's bytes, unpacked as <c>IngestTelemetryBatch</c> does.</summary>
    public static ConsumedRecord Deliver(byte[] payload)
    {
        var proto = KafkaRecordProto.Parser.ParseFrom(payload);

        // KafkaRecordConverter: Key = HasKey ? bytes : null; Type = defined ? type : NotAvailable.
        byte[]? key = proto.HasKey ? proto.Key.ToByteArray() : null;
        byte[]? value = proto.HasValue ? proto.Value.ToByteArray() : null;
        var type = proto.Timestamp is null ? 0 : Enum.IsDefined(typeof(TimestampType), proto.Timestamp.Type) ? proto.Timestamp.Type : 0;
        var headers = proto.Headers.Select(h => (h.Key, h.HasValue ? h.Value.ToByteArray() : null)).ToArray();

        return TriggerRecordMapper.Map(proto.Topic, proto.Partition, proto.Offset, key, value, proto.Timestamp?.UnixTimestampMs ?? 0, (TimestampType)type, headers);
    }

    /// <summary>Every record as the trigger would hand it over, keys as bytes (<c>KeyDataType = Binary</c>, as src/Functions sets).</summary>
    public static ConsumedRecord[] AsTriggerDelivers(IEnumerable<ConsumeResult<byte[], byte[]>> consumed) =>
        [.. consumed.Select(result => Deliver(Serialize(
            result.Topic,
            result.Partition.Value,
            result.Offset.Value,
            result.Message.Key,
            result.Message.Value,
            result.Message.Timestamp,
            result.Message.Headers?.Select(h => (h.Key, (byte[]?)h.GetValueBytes())).ToArray() ?? [],
            binaryKey: true)))];
}
