using System.Text;
using Confluent.Kafka;
using Microsoft.Azure.Functions.Worker.Extensions.Kafka.Proto;
using Xunit;

namespace Telemetry.Kafka.Tests.Triggered;

/// <summary>
/// <see cref="Telemetry.Kafka.Triggered.TriggerRecordMapper"/> fed what the Functions Kafka extension 4.3.x really
/// sends the isolated worker for a <c>KafkaRecord</c>: a <c>KafkaRecordProto</c> (protobuf, <c>ModelBindingData</c>
/// source <c>AzureKafkaRecord</c>), whose timestamp type is always 0 (NotAvailable) and whose key is the bytes only
/// with <c>KeyDataType = Binary</c>. See <see cref="ExtensionTransport"/> for the source each step is taken from.
/// </summary>
public sealed class KafkaRecordPayloadTests
{
    /// <summary>The key a producer wrote: not valid UTF-8 (a NUL, a lone 0xFF, 0xC3 not followed by a continuation byte).</summary>
    private static readonly byte[] ProducerKey = [0x00, 0xFF, (byte)'d', (byte)'e', (byte)'v', 0xC3, 0x28, (byte)'-', (byte)'7'];

    /// <summary>2025-12-02T12:00:00.123Z, the record's create time.</summary>
    private const long RecordTimestampMs = 1_764_676_800_123;

    /// <summary>
    /// One record as the host serializes it with <c>KeyDataType = Binary</c>, encoded field by field by hand (not with
    /// the generated code) from <c>KafkaRecordProto.proto</c>: topic "telemetry", partition 2, offset 1234567, the key
    /// above, value <c>{"schema":1}</c>, timestamp { unix_timestamp_ms = 1764676800123 } (type 0 is proto3's default,
    /// so it is not on the wire at all), headers traceparent = "00-0af7…-01" and x-empty with no value.
    /// </summary>
    private const string BinaryKeyPayload =
        "Cgl0ZWxlbWV0cnkQAhiHrUsiCQD/ZGV2wygtNyoMeyJzY2hlbWEiOjF9MgcI+5y8960zOkYKC3RyYWNlcGFyZW50EjcwMC0wYWY3NjUxOTE2Y2Q0M2RkODQ0OGViMjExYzgwMzE5Yy1iN2FkNmI3MTY5MjAzMzMxLTAxOgkKB3gtZW1wdHk=";

    /// <summary>The same record with the default <c>KeyDataType = String</c>: the key went through UTF-8 decoding (U+FFFD for each invalid sequence) and back.</summary>
    private const string StringKeyPayload =
        "Cgl0ZWxlbWV0cnkQAhiHrUsiDQDvv71kZXbvv70oLTcqDHsic2NoZW1hIjoxfTIHCPucvPetMzpGCgt0cmFjZXBhcmVudBI3MDAtMGFmNzY1MTkxNmNkNDNkZDg0NDhlYjIxMWM4MDMxOWMtYjdhZDZiNzE2OTIwMzMzMS0wMToJCgd4LWVtcHR5";

    private static readonly (string, byte[]?)[] SampleHeaders =
    [
        ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray()),
        ("x-empty", null),
    ];

    [Fact]
    public void ThePayloadSamples_AreWhatTheHostSerializerWrites_ForACreateTimeRecord()
    {
        var timestamp = new Timestamp(RecordTimestampMs, TimestampType.CreateTime);

        var binary = ExtensionTransport.Serialize("telemetry", 2, 1_234_567, ProducerKey, "{\"schema\":1}"u8.ToArray(), timestamp, SampleHeaders, binaryKey: true);
        var text = ExtensionTransport.Serialize("telemetry", 2, 1_234_567, ProducerKey, "{\"schema\":1}"u8.ToArray(), timestamp, SampleHeaders, binaryKey: false);

        Assert.Equal(BinaryKeyPayload, Convert.ToBase64String(binary));
        Assert.Equal(StringKeyPayload, Convert.ToBase64String(text));
    }

    [Fact]
    public void TheHostPayload_SaysNotAvailableForACreateTimeRecord_ButCarriesItsMilliseconds()
    {
        var proto = KafkaRecordProto.Parser.ParseFrom(Convert.FromBase64String(BinaryKeyPayload));

        Assert.Equal(0, proto.Timestamp.Type);
        Assert.Equal(RecordTimestampMs, proto.Timestamp.UnixTimestampMs);
    }

    [Fact]
    public void Deliver_HostPayload_TimestampIsTheRecordsMilliseconds_NotTheUnixEpoch()
    {
        var record = ExtensionTransport.Deliver(Convert.FromBase64String(BinaryKeyPayload));

        Assert.Equal(new DateTimeOffset(2025, 12, 2, 12, 0, 0, 123, TimeSpan.Zero), record.Timestamp);
    }

    [Fact]
    public void Deliver_HostPayloadWithBinaryKey_KeepsTheProducersKeyByteForByte()
    {
        var record = ExtensionTransport.Deliver(Convert.FromBase64String(BinaryKeyPayload));

        Assert.Equal(ProducerKey, record.Key.ToArray());
        Assert.Equal("telemetry", record.Topic);
        Assert.Equal(2, record.Partition);
        Assert.Equal(1_234_567, record.Offset);
        Assert.Equal("{\"schema\":1}", Encoding.UTF8.GetString(record.Value.Span));
    }

    [Fact]
    public void Deliver_HostPayloadWithTheDefaultStringKey_HasLostTheProducersKey_WhichIsWhyTheTriggerAsksForBinary()
    {
        var record = ExtensionTransport.Deliver(Convert.FromBase64String(StringKeyPayload));

        Assert.NotEqual(ProducerKey, record.Key.ToArray());
        Assert.Equal(
            [0x00, 0xEF, 0xBF, 0xBD, (byte)'d', (byte)'e', (byte)'v', 0xEF, 0xBF, 0xBD, 0x28, (byte)'-', (byte)'7'],
            record.Key.ToArray());
    }

    [Fact]
    public void Deliver_HostPayload_HeadersKeepOrderAndANullValueBecomesEmpty()
    {
        var record = ExtensionTransport.Deliver(Convert.FromBase64String(BinaryKeyPayload));

        Assert.Equal(["traceparent", "x-empty"], record.Headers.Select(h => h.Key));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Encoding.UTF8.GetString(record.Headers[0].Value));
        Assert.Empty(record.Headers[1].Value);
    }

    [Fact]
    public void Deliver_RecordWithoutATimestamp_IsTheUnixEpoch()
    {
        // Confluent gives a record without a timestamp Timestamp(-1 or 0, NotAvailable); the host sends its milliseconds.
        var payload = ExtensionTransport.Serialize("telemetry", 0, 1, null, "{}"u8.ToArray(), new Timestamp(0, TimestampType.NotAvailable), [], binaryKey: true);

        var record = ExtensionTransport.Deliver(payload);

        Assert.Equal(DateTimeOffset.UnixEpoch, record.Timestamp);
        Assert.True(record.Key.IsEmpty);
    }
}
