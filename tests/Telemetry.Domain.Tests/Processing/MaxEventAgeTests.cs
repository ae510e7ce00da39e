using Telemetry.Domain.Ingestion;
using Telemetry.Domain.Processing;
using Xunit;

namespace Telemetry.Domain.Tests.Processing;

/// <summary>
/// Old event times are refused as <c>too_old</c>: each accepted minute opens its own per-metric series cap, so without a
/// bound a producer could open one per historical minute.
/// </summary>
public sealed class MaxEventAgeTests
{
    private static readonly DateTimeOffset RecordTime = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ConsumedRecord Record(long offset, DateTimeOffset eventTime, DateTimeOffset? recordTime = null) =>
        new("telemetry", 0, offset, ReadOnlyMemory<byte>.Empty,
            System.Text.Encoding.UTF8.GetBytes($$$"""{"schema":1,"event":"snakepit.request.executed","time":"{{{eventTime:yyyy-MM-ddTHH:mm:ss.fffZ}}}","source":"ml","measurements":{"duration_us":1000},"metadata":{"pool":"p{{{offset}}}"}}"""),
            ConsumedRecord.NoHeaders, recordTime ?? RecordTime);

    [Fact]
    public void Events_older_than_the_maximum_age_are_refused_as_too_old_and_not_counted()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions());
        var batch = processor.Decode(
        [
            Record(0, RecordTime.AddDays(-6.9)),
            Record(1, RecordTime.AddDays(-7).AddMinutes(-1)),
            Record(2, RecordTime.AddYears(-20)),
            Record(3, RecordTime.AddMinutes(-1)),
        ]);

        Assert.Equal(EnvelopeError.None, batch[0].Error);
        Assert.Equal(EnvelopeError.TooOld, batch[1].Error);
        Assert.Equal("too_old", batch[1].ErrorKind);
        Assert.Equal("time is more than 7 days before the record's timestamp (Ingestion:MaxEventAgeDays).", batch[1].Message);
        Assert.Equal(EnvelopeError.TooOld, batch[2].Error);
        Assert.Equal(EnvelopeError.None, batch[3].Error);
        Assert.Equal(2, batch.MalformedCount);
        Assert.Equal(2, batch.Finalise(-1, 3).Aggregates.Where(a => a.Series.Name == "snakepit.request.executed.count").Sum(a => a.Distribution.Count));
    }

    [Fact]
    public void The_maximum_age_is_a_setting_measured_from_the_record_timestamp()
    {
        var processor = new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxEventAgeDays = 1 });
        var batch = processor.Decode(
        [
            Record(0, RecordTime.AddDays(-2)),
            Record(1, RecordTime.AddDays(-2), recordTime: RecordTime.AddDays(-1.5)),
        ]);

        Assert.Equal(EnvelopeError.TooOld, batch[0].Error);
        Assert.Equal(EnvelopeError.None, batch[1].Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3_651)]
    public void An_out_of_range_maximum_age_is_refused_naming_the_setting(int days)
    {
        var errors = IngestionOptionsValidator.Validate(new IngestionOptions { MaxEventAgeDays = days });
        Assert.Contains(errors, e => e.Contains("Ingestion:MaxEventAgeDays", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new PartitionDecoder("telemetry", 0, new IngestionOptions { MaxEventAgeDays = days }));
    }
}
