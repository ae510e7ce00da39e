using System.Text;
using Confluent.Kafka;
using Telemetry.Domain.Ingestion;
using Telemetry.Kafka.Triggered;
using Xunit;

namespace Telemetry.Kafka.Tests.Triggered;

public sealed class TriggerRecordMapperTests
{
    private static readonly byte[] SomeKey = Encoding.UTF8.GetBytes("device-7");
    private static readonly byte[] SomeValue = Encoding.UTF8.GetBytes("{\"event\":\"kafee.batch.started\"}");

    [Fact]
    public void Map_AllFieldsPresent_CopiesCoordinatesKeyAndValue()
    {
        var record = TriggerRecordMapper.Map("telemetry", 3, 41_000_000_123, SomeKey, SomeValue, 1_700_000_000_123, TimestampType.CreateTime, null);

        Assert.Equal("telemetry", record.Topic);
        Assert.Equal(3, record.Partition);
        Assert.Equal(41_000_000_123, record.Offset);
        Assert.Equal(SomeKey, record.Key.ToArray());
        Assert.Equal(SomeValue, record.Value.ToArray());
    }

    [Fact]
    public void Map_NullKeyAndValue_GivesEmptyMemory()
    {
        var record = TriggerRecordMapper.Map("telemetry", 0, 0, null, null, 1_700_000_000_000, TimestampType.CreateTime, null);

        Assert.True(record.Key.IsEmpty);
        Assert.True(record.Value.IsEmpty);
    }

    [Theory]
    [InlineData(TimestampType.CreateTime)]
    [InlineData(TimestampType.LogAppendTime)]
    public void Map_KnownTimestampType_UsesUnixMilliseconds(TimestampType type)
    {
        var record = TriggerRecordMapper.Map("telemetry", 0, 5, null, SomeValue, 1_700_000_000_123, type, null);

        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, 123, TimeSpan.Zero), record.Timestamp);
        Assert.Equal(TimeSpan.Zero, record.Timestamp.Offset);
    }

    [Fact]
    public void Map_TimestampNotAvailableWithMilliseconds_UsesTheMilliseconds_AsExtension43SendsEveryRecord()
    {
        var record = TriggerRecordMapper.Map("telemetry", 0, 5, null, SomeValue, 1_700_000_000_123, TimestampType.NotAvailable, null);

        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, 123, TimeSpan.Zero), record.Timestamp);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Map_TimestampNotAvailableWithoutMilliseconds_GivesUnixEpoch(long unixMs)
    {
        var record = TriggerRecordMapper.Map("telemetry", 0, 5, null, SomeValue, unixMs, TimestampType.NotAvailable, null);

        Assert.Equal(DateTimeOffset.UnixEpoch, record.Timestamp);
    }

    [Fact]
    public void Map_NoHeaders_GivesSharedEmptyList()
    {
        var fromNull = TriggerRecordMapper.Map("telemetry", 0, 1, null, SomeValue, 0, TimestampType.CreateTime, null);
        var fromEmpty = TriggerRecordMapper.Map("telemetry", 0, 1, null, SomeValue, 0, TimestampType.CreateTime, []);

        Assert.Same(ConsumedRecord.NoHeaders, fromNull.Headers);
        Assert.Same(ConsumedRecord.NoHeaders, fromEmpty.Headers);
    }

    [Fact]
    public void Map_Headers_KeepOrderAndDuplicateKeys()
    {
        (string, byte[]?)[] headers =
        [
            ("x-retry-count", "1"u8.ToArray()),
            ("traceparent", "00-abc-def-01"u8.ToArray()),
            ("x-retry-count", "2"u8.ToArray()),
        ];

        var record = TriggerRecordMapper.Map("telemetry", 0, 1, null, SomeValue, 0, TimestampType.CreateTime, headers);

        Assert.Equal(["x-retry-count", "traceparent", "x-retry-count"], record.Headers.Select(h => h.Key));
        Assert.Equal(["1", "00-abc-def-01", "2"], record.Headers.Select(h => Encoding.UTF8.GetString(h.Value)));
    }

    [Fact]
    public void Map_NullHeaderValue_GivesEmptyBytes()
    {
        (string, byte[]?)[] headers = [("x-error-kind", null)];

        var record = TriggerRecordMapper.Map("telemetry", 0, 1, null, SomeValue, 0, TimestampType.CreateTime, headers);

        var header = Assert.Single(record.Headers);
        Assert.Equal("x-error-kind", header.Key);
        Assert.Empty(header.Value);
    }

    [Fact]
    public void Map_HeadersArrayChangedAfterwards_RecordKeepsWhatItWasGiven()
    {
        var headers = new (string, byte[]?)[] { ("a", "1"u8.ToArray()) };

        var record = TriggerRecordMapper.Map("telemetry", 0, 1, null, SomeValue, 0, TimestampType.CreateTime, headers);
        headers[0] = ("b", "2"u8.ToArray());

        Assert.Equal("a", Assert.Single(record.Headers).Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Map_NoTopic_ThrowsArgumentException(string? topic)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TriggerRecordMapper.Map(topic!, 0, 1, null, SomeValue, 0, TimestampType.CreateTime, null));

        Assert.Equal("topic", error.ParamName);
    }

    [Fact]
    public void Map_NegativePartition_ThrowsArgumentOutOfRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            TriggerRecordMapper.Map("telemetry", -1, 1, null, SomeValue, 0, TimestampType.CreateTime, null));

        Assert.Equal("partition", error.ParamName);
    }

    [Fact]
    public void Map_NegativeOffset_ThrowsArgumentOutOfRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            TriggerRecordMapper.Map("telemetry", 0, -1001, null, SomeValue, 0, TimestampType.CreateTime, null));

        Assert.Equal("offset", error.ParamName);
    }
}
