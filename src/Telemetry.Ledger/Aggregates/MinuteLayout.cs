using System.Globalization;
using Azure.Data.Tables;
using Telemetry.Domain.Aggregation;
using Telemetry.Ledger.Storage;

namespace Telemetry.Ledger.Aggregates;

/// <summary>
/// Keys of the minute table, laid out for cheap writes: PartitionKey = hour | source topic | source partition,
/// RowKey = minute | series. Everything one Kafka partition's batch touches in one hour is one PartitionKey,
/// so it reads in one range query and writes in a few entity-group transactions; and each row has exactly one
/// writer (the owner of that Kafka partition), which is what lets a per-row watermark decide replays.
/// The hour comes first so rollups and retention scan hours by PartitionKey range.
/// </summary>
internal static class MinuteLayout
{
    public const string TopicProperty = "Topic";
    public const string PartitionProperty = "SourcePartition";
    public const string WatermarkProperty = "Wm";
    public const string WindowProperty = "Window";

    public static string HourBucket(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string PartitionKey(DateTimeOffset window, string topic, int partition) =>
        KeyEncoding.Bound($"{HourBucket(window)}|{KeyEncoding.Escape(topic)}|{partition.ToString(CultureInfo.InvariantCulture)}");

    public static string RowKey(DateTimeOffset window, MetricSeries series) =>
        KeyEncoding.Bound($"{window.UtcDateTime.Minute:D2}|{SeriesCodec.Key(series)}");

    /// <summary>The rows of one source partition-hour within a minute range (inclusive), as one range query.</summary>
    public static string RangeFilter(string partitionKey, int fromMinute, int toMinute) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {fromMinute.ToString("D2", CultureInfo.InvariantCulture)} and RowKey lt {(toMinute + 1).ToString("D2", CultureInfo.InvariantCulture)}");

    /// <summary>Every source partition's rows of the hours in [fromHour, toHourExclusive).</summary>
    public static string HoursFilter(DateTimeOffset fromHour, DateTimeOffset toHourExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {HourBucket(fromHour)} and PartitionKey lt {HourBucket(toHourExclusive)}");

    public static DateTimeOffset FloorMinute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public static DateTimeOffset FloorHour(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    public static DateTimeOffset FloorDay(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerDay), TimeSpan.Zero);

    public static DateTimeOffset ParseHour(string partitionKey) =>
        new(DateTime.ParseExact(partitionKey.AsSpan(0, 10), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);

    public static TableEntity ToEntity(string partitionKey, string rowKey, MetricSeries series, DateTimeOffset window, string topic, int partition, long watermark, Distribution distribution)
    {
        var entity = new TableEntity(partitionKey, rowKey)
        {
            [WindowProperty] = window,
            [TopicProperty] = topic,
            [PartitionProperty] = partition,
            [WatermarkProperty] = watermark,
        };
        SeriesCodec.Write(entity, series);
        DistributionCodec.Write(entity, distribution);
        return entity;
    }

    public static DateTimeOffset Window(TableEntity entity) =>
        entity.GetDateTimeOffset(WindowProperty) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no window.");
}
